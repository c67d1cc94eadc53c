using Microsoft.Extensions.Hosting;
using RapidTriage.Silo;

await SiloApp.Build(args).RunAsync();
