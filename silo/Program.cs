using Microsoft.Extensions.Hosting;
using RapidTriage.Silo;
using RapidTriage.Silo.Hosting;

if (args is ["probe", var url])
{
    return await ProbeCommand.RunAsync(url);
}

return await ConfigurationErrors.RunAsync(() => SiloApp.Build(args).RunAsync());
