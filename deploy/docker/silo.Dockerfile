# A silo: the session grains, on Azure Table clustering and Azure Blob grain storage. Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t rapidtriage-silo .
# Ports: 11111 (silo to silo), 30000 (gateways), 8080 (/healthz, /readyz, /metrics, optional /dashboard).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so that a code change reuses the restored layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY contracts/RapidTriage.Contracts.csproj contracts/
COPY grains/RapidTriage.Grains.csproj grains/
COPY silo/Hosting/RapidTriage.Silo.Hosting.csproj silo/Hosting/
COPY silo/RapidTriage.Silo.csproj silo/
RUN dotnet restore silo/RapidTriage.Silo.csproj
COPY contracts/ contracts/
COPY grains/ grains/
COPY silo/ silo/
RUN dotnet publish silo/RapidTriage.Silo.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The silo advertises its own container address; ports are set per silo by the deployment.
ENV ASPNETCORE_HTTP_PORTS="" \
    Relay__Silo__Urls=http://+:8080 \
    Relay__Silo__ListenOnAnyAddress=true \
    Relay__Silo__AdvertisedAddress=auto \
    Relay__Silo__SiloPort=11111 \
    Relay__Silo__GatewayPort=30000 \
    Logging__Console__FormatterName=json \
    Logging__Console__FormatterOptions__IncludeScopes=true \
    Logging__Console__FormatterOptions__UseUtcTimestamp=true \
    Logging__Console__FormatterOptions__TimestampFormat="yyyy-MM-ddTHH:mm:ss.fffZ"
EXPOSE 8080 11111 30000
# The image's unprivileged "app" user (uid 1654); nothing here needs root.
USER $APP_UID
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["dotnet", "/app/RapidTriage.Silo.dll", "probe", "http://127.0.0.1:8080/healthz"]
# SIGTERM stops the silo gracefully: sessions write a final snapshot and move to the other silos.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "RapidTriage.Silo.dll"]
