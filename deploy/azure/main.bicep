// RapidTriage relay on Azure Container Apps: a virtual network, a Container Apps environment on it, a storage
// account (tables: Orleans membership; blobs: session state) reached with a managed identity, silos as separate
// single-replica apps with their own TCP ports, and the gateways as one app with public WebSocket ingress.
// Walkthrough: docs/operations.md.
//
//   az deployment group create -g <group> -f deploy/azure/main.bicep -p deploy/azure/main.parameters.json

targetScope = 'resourceGroup'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Prefix of every resource name.')
@minLength(3)
@maxLength(14)
param namePrefix string = 'rapidtriage'

@description('Gateway image, e.g. myregistry.azurecr.io/rapidtriage-gateway:1.2.0.')
param gatewayImage string

@description('Silo image, e.g. myregistry.azurecr.io/rapidtriage-silo:1.2.0.')
param siloImage string

@description('Registry login server the images are pulled from with the managed identity (grant it AcrPull); empty for public images.')
param registryServer string = ''

@description('Number of silos; each is its own app with its own ports.')
@minValue(1)
@maxValue(8)
param siloCount int = 2

@description('First Orleans silo-to-silo port; silo i uses this + i.')
param siloPortBase int = 11111

@description('First Orleans gateway port; silo i uses this + i.')
param siloGatewayPortBase int = 30000

@description('First port of the silos\' health, metrics and dashboard endpoint inside the environment; silo i uses this + i.')
param siloHttpPortBase int = 18080

@minValue(1)
param gatewayMinReplicas int = 2

@minValue(1)
param gatewayMaxReplicas int = 10

@description('Open WebSockets per gateway replica before another replica is added.')
param connectionsPerReplica int = 2000

@description('Server heartbeat in seconds (Relay:HeartbeatInterval). The ingress drops a connection idle for 240 s; keep well below.')
@minValue(5)
@maxValue(120)
param heartbeatSeconds int = 30

@description('On SIGTERM a gateway closes its sockets with 1012 evenly over this many seconds (Relay:DrainWindow).')
@minValue(1)
@maxValue(120)
param drainWindowSeconds int = 10

@description('Key Vault secret URI (https://<vault>.vault.azure.net/secrets/<name>) of the HS256 signing key; grant the identity "Key Vault Secrets User". Empty: use signingKey.')
param signingKeySecretUri string = ''

@description('The HS256 signing key (at least 32 bytes), stored as a Container Apps secret; used when signingKeySecretUri is empty.')
@secure()
param signingKey string = ''

@description('Orleans cluster id; change it to run a second, separate cluster on the same storage.')
param clusterId string = 'rapidtriage'

@description('Serve the Orleans dashboard on each silo at /dashboard (inside the environment only), behind Basic auth.')
param dashboardEnabled bool = false

@description('Dashboard password (user "admin"), at least 12 characters; required when the dashboard is on.')
@secure()
param dashboardPassword string = ''

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_ZRS'

@description('Address space of the virtual network.')
param vnetAddressPrefix string = '10.60.0.0/16'

@description('Subnet of the Container Apps environment.')
param infrastructureSubnetPrefix string = '10.60.0.0/23'

var storageName = take('${replace(toLower(namePrefix), '-', '')}${uniqueString(resourceGroup().id)}', 24)
var sessionsContainer = 'sessions'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-identity'
  location: location
}

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    location: location
    name: '${namePrefix}-vnet'
    addressPrefix: vnetAddressPrefix
    infrastructureSubnetPrefix: infrastructureSubnetPrefix
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: storageName
    containerName: sessionsContainer
    subnetId: network.outputs.infrastructureSubnetId
    principalId: identity.properties.principalId
    skuName: storageSku
  }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  params: {
    location: location
    name: '${namePrefix}-env'
    infrastructureSubnetId: network.outputs.infrastructureSubnetId
  }
}

// What every silo and gateway needs to find the cluster: storage by URI, signed in as the identity.
var sharedEnv = [
  {
    name: 'Relay__Storage__TableServiceUri'
    value: storage.outputs.tableEndpoint
  }
  {
    name: 'Relay__Storage__BlobServiceUri'
    value: storage.outputs.blobEndpoint
  }
  {
    name: 'Relay__Storage__ContainerName'
    value: sessionsContainer
  }
  {
    name: 'Relay__Storage__ManagedIdentityClientId'
    value: identity.properties.clientId
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: identity.properties.clientId
  }
  {
    name: 'Relay__Cluster__ClusterId'
    value: clusterId
  }
  {
    name: 'Relay__Cluster__ServiceId'
    value: 'rapidtriage'
  }
]

// One silo at a time, so that a redeployment (a rolling upgrade) never takes two silos down together.
@batchSize(1)
module silos 'modules/silo.bicep' = [for i in range(0, siloCount): {
  name: 'silo-${i}'
  params: {
    location: location
    name: '${namePrefix}-silo-${i}'
    environmentId: environment.outputs.id
    image: siloImage
    registryServer: registryServer
    identityId: identity.id
    siloPort: siloPortBase + i
    gatewayPort: siloGatewayPortBase + i
    httpExposedPort: siloHttpPortBase + i
    sharedEnv: sharedEnv
    dashboardEnabled: dashboardEnabled
    dashboardPassword: dashboardPassword
    shutdownSeconds: 30
  }
}]

module gateway 'modules/gateway.bicep' = {
  name: 'gateway'
  dependsOn: [
    silos
  ]
  params: {
    location: location
    name: '${namePrefix}-gateway'
    environmentId: environment.outputs.id
    image: gatewayImage
    registryServer: registryServer
    identityId: identity.id
    sharedEnv: sharedEnv
    signingKeySecretUri: signingKeySecretUri
    signingKey: signingKey
    minReplicas: gatewayMinReplicas
    maxReplicas: gatewayMaxReplicas
    connectionsPerReplica: connectionsPerReplica
    heartbeatSeconds: heartbeatSeconds
    drainWindowSeconds: drainWindowSeconds
  }
}

@description('Where clients connect: wss://<this>/extension-ws, /mcp-ws, /tunnel/{sessionId}.')
output gatewayUrl string = 'wss://${gateway.outputs.fqdn}'

@description('The identity to grant AcrPull on the registry and "Key Vault Secrets User" on the signing key\'s vault.')
output identityPrincipalId string = identity.properties.principalId

output storageAccountName string = storage.outputs.name

output siloApps array = [for i in range(0, siloCount): silos[i].outputs.name]
