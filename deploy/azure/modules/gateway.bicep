// The relay gateways: one app, many replicas, public HTTP ingress that carries WebSockets, scaled on the
// number of open sockets (each is one long request to the ingress).

@description('Azure region.')
param location string

@description('Name of the container app.')
param name string

@description('The Container Apps environment.')
param environmentId string

@description('The gateway image (deploy/docker/gateway.Dockerfile).')
param image string

@description('Registry to pull the image from with the managed identity; empty for a public image.')
param registryServer string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Environment variables every process of the cluster shares (storage, cluster id, identity).')
param sharedEnv array

@description('Key Vault secret URI of the HS256 signing key; empty to use signingKey.')
param signingKeySecretUri string

@description('The HS256 signing key itself, kept as a Container Apps secret (when no Key Vault URI is given).')
@secure()
param signingKey string

@minValue(1)
param minReplicas int

@minValue(1)
param maxReplicas int

@description('Open sockets per replica before the app scales out.')
param connectionsPerReplica int

@description('Server heartbeat (WebSocket ping) in seconds; below the ingress idle timeout of 240 s.')
@minValue(5)
@maxValue(120)
param heartbeatSeconds int

@description('SIGTERM closes the sockets with 1012 evenly over this many seconds.')
@minValue(1)
@maxValue(120)
param drainWindowSeconds int

var relayPort = 8080
var operationsPort = 9090

func timeSpan(seconds int) string => '00:${padLeft(string(seconds / 60), 2, '0')}:${padLeft(string(seconds % 60), 2, '0')}'

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        // auto: HTTP/1.1 with the Upgrade handshake (WebSockets) and HTTP/2 both pass.
        transport: 'auto'
        targetPort: relayPort
        allowInsecure: false
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: empty(registryServer) ? [] : [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: [
        empty(signingKeySecretUri) ? {
          name: 'signing-key'
          value: signingKey
        } : {
          name: 'signing-key'
          keyVaultUrl: signingKeySecretUri
          identity: identityId
        }
      ]
    }
    template: {
      // Above the drain window plus the close timeouts, so the drain is never cut short.
      terminationGracePeriodSeconds: drainWindowSeconds + 20
      containers: [
        {
          name: 'gateway'
          image: image
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: concat(sharedEnv, [
            {
              name: 'Relay__Mode'
              value: 'Hosted'
            }
            {
              name: 'Relay__Silo__Mode'
              value: 'External'
            }
            {
              name: 'Relay__Urls'
              value: 'http://+:${relayPort};http://+:${operationsPort}'
            }
            {
              name: 'Relay__Operations__Port'
              value: string(operationsPort)
            }
            {
              name: 'Relay__HeartbeatInterval'
              value: timeSpan(heartbeatSeconds)
            }
            {
              name: 'Relay__DrainWindow'
              value: timeSpan(drainWindowSeconds)
            }
            {
              name: 'Relay__Auth__SigningKey'
              secretRef: 'signing-key'
            }
          ])
          probes: [
            {
              // A gateway starts serving once it has found a silo; allow for silos that start after it.
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: operationsPort
              }
              periodSeconds: 5
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: operationsPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: operationsPort
              }
              periodSeconds: 5
              failureThreshold: 2
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'open-sockets'
            http: {
              metadata: {
                concurrentRequests: string(connectionsPerReplica)
              }
            }
          }
        ]
      }
    }
  }
}

output fqdn string = app.properties.configuration.ingress.fqdn
