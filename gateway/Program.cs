using RapidTriage.Gateway.Hosting;
using RapidTriage.Gateway.Tools;

if (args is ["token", ..])
{
    return TokenCommand.Run(args);
}

await RelayApp.Build(args).RunAsync();
return 0;
