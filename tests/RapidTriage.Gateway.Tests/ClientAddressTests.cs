using System.Net;
using RapidTriage.Gateway.Handshake;

namespace RapidTriage.Gateway.Tests;

/// <summary>The key per-address limits count a client by: IPv4 as it is, IPv4-mapped IPv6 as IPv4, IPv6 by its /64.</summary>
public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.5", "203.0.113.5")]
    [InlineData("::ffff:203.0.113.5", "203.0.113.5")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2::", "2001:db8:1:2::")]
    [InlineData("::1", "::")]
    public void Key_OfAddress_IsItsCountingKey(string address, string key) =>
        Assert.Equal(IPAddress.Parse(key), ClientAddress.Key(IPAddress.Parse(address)));

    [Fact]
    public void Key_OfNoAddress_IsNone() => Assert.Null(ClientAddress.Key(null));
}
