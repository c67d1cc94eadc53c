using RapidTriage.Gateway.Hosting;
using RapidTriage.Gateway.Mcp;
using RapidTriage.Gateway.Tools;
using RapidTriage.Silo.Hosting;

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

return await ConfigurationErrors.RunAsync(() => RelayApp.Build(args).RunAsync());
