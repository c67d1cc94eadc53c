using RapidTriage.Gateway.Hosting;

await RelayApp.Build(args).RunAsync();
