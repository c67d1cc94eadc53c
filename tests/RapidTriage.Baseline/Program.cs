using RapidTriage.Baseline;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton<Rooms>();

var app = builder.Build();
app.UseWebSockets();
app.MapGet("/", () => "rapidtriage-baseline");
app.MapBroadcast();
await app.RunAsync();
