using RapidTriage.Gateway.Hosting;
using RapidTriage.Gateway.Mcp;
using RapidTriage.Gateway.Tools;

if (args is ["token", ..])
{
    return TokenCommand.Run(args);
}

if (args is ["mcp", ..])
{
    return await McpCommand.RunAsync(args);
}

if (args is ["probe", var url])
{
    return await ProbeCommand.RunAsync(url);
}

await RelayApp.Build(args).RunAsync();
return 0;
