namespace RapidTriage.Clients.Tests;

[CollectionDefinition(Name)]
public sealed class ClientsCollection : ICollectionFixture<ClientsFixture>
{
    public const string Name = "example-clients";
}
