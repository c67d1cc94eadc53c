using ModelContextProtocol.Protocol;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Gateway.Mcp;

/// <summary>Registers the <c>/mcp</c> server: its tools, its admission and its options (README "Use with your AI assistant").</summary>
internal static class McpServices
{
    public static WebApplicationBuilder AddRelayMcp(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions(builder.Configuration, McpOptions.SectionName, new AnnotatedOptionsValidator<McpOptions>(McpOptions.SectionName));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<McpAdmission>();
        builder.Services.AddSingleton<McpMetrics>();
        builder.Services.AddSingleton<McpToolRunner>();
        builder.Services.AddSingleton<HistorySearch>();
        builder.Services.AddSingleton<LogQuery>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(McpMetrics.MeterName));
        builder.Services
            .AddMcpServer(server =>
            {
                server.ServerInfo = new Implementation { Name = "rapidtriage", Title = "RapidTriage relay", Version = ThisVersion };
                server.ServerInstructions =
                    "Reads the browser's console and network activity and takes screenshots through the RapidTriage relay. "
                    + "Start with getConnectionStatus when unsure whether a browser is connected.";
            })
            .WithHttpTransport(transport => transport.Stateless = true)
            .WithTools<LogTools>()
            .WithTools<PageTools>()
            .WithTools<CommandTools>();
        return builder;
    }

    private static string ThisVersion => typeof(McpServices).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
