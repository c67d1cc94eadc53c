using Microsoft.Extensions.Hosting;
using RapidTriage.Silo;
using RapidTriage.Silo.Operations;

if (args is ["probe", var url])
{
    return await ProbeCommand.RunAsync(url);
}

await SiloApp.Build(args).RunAsync();
return 0;
