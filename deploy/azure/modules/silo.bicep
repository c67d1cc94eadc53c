// One silo: its own single-replica app, so each silo keeps its own TCP ports for its whole life. The silo
// advertises its replica's address with these ports; the internal TCP ingress opens them inside the environment.

@description('Azure region.')
param location string

@description('Name of the container app.')
param name string

@description('The Container Apps environment.')
param environmentId string

@description('The silo image (deploy/docker/silo.Dockerfile).')
param image string

@description('Registry to pull the image from with the managed identity; empty for a public image.')
param registryServer string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Orleans silo-to-silo port of this silo, unique in the environment.')
param siloPort int

@description('Orleans gateway port of this silo (the relay gateways connect to it), unique in the environment.')
param gatewayPort int

@description('Port inside the environment for this silo\'s /healthz, /readyz, /metrics and dashboard (container port 8080).')
param httpExposedPort int

@description('Environment variables every process of the cluster shares (storage, cluster id, identity).')
param sharedEnv array

@description('Serve the Orleans dashboard on /dashboard (Basic auth, user "admin").')
param dashboardEnabled bool

@description('The dashboard password; required when the dashboard is on.')
@secure()
param dashboardPassword string

@description('Graceful stop: sessions write a final snapshot and move to the other silos.')
@minValue(5)
@maxValue(300)
param shutdownSeconds int

var httpPort = 8080

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
        external: false
        transport: 'tcp'
        targetPort: siloPort
        exposedPort: siloPort
        additionalPortMappings: [
          {
            external: false
            targetPort: gatewayPort
            exposedPort: gatewayPort
          }
          {
            external: false
            targetPort: httpPort
            exposedPort: httpExposedPort
          }
        ]
      }
      registries: empty(registryServer) ? [] : [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: dashboardEnabled ? [
        {
          name: 'dashboard-password'
          value: dashboardPassword
        }
      ] : []
    }
    template: {
      terminationGracePeriodSeconds: shutdownSeconds + 15
      containers: [
        {
          name: 'silo'
          image: image
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: concat(sharedEnv, [
            {
              name: 'Relay__Silo__SiloPort'
              value: string(siloPort)
            }
            {
              name: 'Relay__Silo__GatewayPort'
              value: string(gatewayPort)
            }
            {
              name: 'Relay__Silo__AdvertisedAddress'
              value: 'auto'
            }
            {
              name: 'Relay__Silo__ListenOnAnyAddress'
              value: 'true'
            }
            {
              name: 'Relay__Silo__Urls'
              value: 'http://+:${httpPort}'
            }
            {
              name: 'Relay__Silo__ShutdownTimeout'
              value: timeSpan(shutdownSeconds)
            }
            {
              name: 'Relay__Dashboard__Enabled'
              value: string(dashboardEnabled)
            }
          ], dashboardEnabled ? [
            {
              name: 'Relay__Dashboard__Password'
              secretRef: 'dashboard-password'
            }
          ] : [])
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: httpPort
              }
              periodSeconds: 5
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: httpPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: httpPort
              }
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output name string = app.name
