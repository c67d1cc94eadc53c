# The relay gateway (hosted mode, Orleans client of the silos). Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t rapidtriage-gateway .
# Listens on 8080 (WebSockets, /api) and 9090 (/healthz, /readyz, /metrics: keep it off the public ingress).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so that a code change reuses the restored layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY contracts/RapidTriage.Contracts.csproj contracts/
COPY grains/RapidTriage.Grains.csproj grains/
COPY silo/Hosting/RapidTriage.Silo.Hosting.csproj silo/Hosting/
COPY gateway/RapidTriage.Gateway.csproj gateway/
RUN dotnet restore gateway/RapidTriage.Gateway.csproj
COPY contracts/ contracts/
COPY grains/ grains/
# Only the silo composition the gateway embeds in local mode, not the silo host.
COPY silo/Hosting/ silo/Hosting/
COPY gateway/ gateway/
RUN dotnet publish gateway/RapidTriage.Gateway.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Workstation GC: what a one-vCPU replica (deploy/azure) runs anyway, since the runtime falls back to it on one
# processor; set here so that a larger replica keeps it. Server GC, the web SDK's default, held 41-46 KiB resident per
# idle connection on two cores for 16 KiB of heap, workstation GC 23-28 KiB at about the same CPU per message
# (docs/performance.md). Local mode keeps server GC: its embedded Orleans silo warns at start-up without it.
ENV DOTNET_gcServer=0
ENV ASPNETCORE_HTTP_PORTS="" \
    Relay__Mode=Hosted \
    Relay__Silo__Mode=External \
    Relay__Urls="http://+:8080;http://+:9090" \
    Relay__Operations__Port=9090 \
    Logging__Console__FormatterName=json \
    Logging__Console__FormatterOptions__IncludeScopes=true \
    Logging__Console__FormatterOptions__UseUtcTimestamp=true \
    Logging__Console__FormatterOptions__TimestampFormat="yyyy-MM-ddTHH:mm:ss.fffZ"
EXPOSE 8080 9090
# The image's unprivileged "app" user (uid 1654); nothing here needs root.
USER $APP_UID
# No curl in the runtime image: the gateway probes itself.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["dotnet", "/app/RapidTriage.Gateway.dll", "probe", "http://127.0.0.1:9090/healthz"]
# SIGTERM drains: sockets close with 1012 over Relay:DrainWindow (default 10 s); give it 30 s to stop.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "RapidTriage.Gateway.dll"]
