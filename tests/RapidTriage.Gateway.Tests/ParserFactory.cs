using RapidTriage.Gateway.Envelopes;
using RapidTriage.Gateway.Options;

namespace RapidTriage.Gateway.Tests;

/// <summary>The gateway's envelope parser with its real redactor, for tests of the parser on its own.</summary>
internal static class ParserFactory
{
    public static EnvelopeParser Create(RelayOptions? relay = null)
    {
        var options = Microsoft.Extensions.Options.Options.Create(relay ?? new RelayOptions());
        return new EnvelopeParser(options, new CredentialRedactor(options), TimeProvider.System);
    }
}
