using System.CommandLine;
using Microsoft.Extensions.Options;
using RapidTriage.Gateway.Auth;
using RapidTriage.Gateway.Handshake;
using RapidTriage.Gateway.Options;
using RapidTriage.Gateway.Viewer;
using RapidTriage.Silo.Hosting;

namespace RapidTriage.Gateway.Tools;

/// <summary>
/// <c>dotnet run --project gateway -- token --session ID [--lifetime 01:00:00] [--key K] [--url U]</c>: prints an
/// HS256 token for one session, signed with <c>Relay:Auth:SigningKey</c> (from appsettings, environment or --key),
/// on the first line, and on the second a session viewer link that carries it in the fragment (never sent to a server).
/// </summary>
internal static class TokenCommand
{
    public static int Run(string[] args)
    {
        var session = new Option<string>("--session") { Description = "The session the token opens (its sid claim).", Required = true };
        var lifetime = new Option<TimeSpan>("--lifetime") { Description = "How long it is valid (hh:mm:ss or d.hh:mm:ss).", DefaultValueFactory = _ => TimeSpan.FromHours(1) };
        var key = new Option<string?>("--key") { Description = "HS256 key; default Relay:Auth:SigningKey from configuration." };
        var subject = new Option<string?>("--subject") { Description = "Who the token is for (sub claim), for audit." };
        var url = new Option<string>("--url") { Description = "The relay's base URL for the viewer link.", DefaultValueFactory = _ => "http://127.0.0.1:3025" };
        var token = new Command("token", "Mint a relay token for one session and print a session viewer link.") { session, lifetime, key, subject, url };
        token.SetAction(result =>
        {
            var configuration = new ConfigurationBuilder()
                .SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .Build();
            RelayOptions relay;
            try
            {
                relay = OptionsRegistration.Bind<RelayOptions>(configuration, RelayOptions.SectionName);
            }
            catch (OptionsValidationException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            relay.Auth.SigningKey = result.GetValue(key) ?? relay.Auth.SigningKey;
            if (string.IsNullOrEmpty(relay.Auth.SigningKey))
            {
                Console.Error.WriteLine("No key: set Relay:Auth:SigningKey (e.g. Relay__Auth__SigningKey=...) or pass --key.");
                return 2;
            }

            var sessionId = result.GetValue(session)!;
            if (!SessionIds.IsValid(sessionId))
            {
                Console.Error.WriteLine($"Bad session id: {SessionIds.Rule}.");
                return 2;
            }

            if (!Uri.TryCreate(result.GetValue(url), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https")
                || baseUri.Query.Length > 0 || baseUri.Fragment.Length > 0)
            {
                Console.Error.WriteLine("Bad --url: give the relay's base URL, http:// or https://, with no query or fragment (e.g. https://relay.example.com).");
                return 2;
            }

            relay.Mode = RelayMode.Hosted;
            try
            {
                var tokens = new TokenService(Microsoft.Extensions.Options.Options.Create(relay));
                var minted = tokens.Mint(sessionId, result.GetValue(lifetime), result.GetValue(subject));
                Console.Out.WriteLine(minted);
                Console.Out.WriteLine($"Viewer: {ViewerLink.For(baseUri, sessionId, minted)}");
                return 0;
            }
            catch (OptionsValidationException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }
        });

        var root = new RootCommand("RapidTriage relay tools.") { token };
        return root.Parse(args).Invoke();
    }
}
