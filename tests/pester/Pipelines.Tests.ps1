#Requires -Version 7.0
# Pipelines a PowerShell user expects (Get-AzIotHub | New-KustoIotHubConnection, Get-KustoDatabase | New-*, Get | Update,
# Get | Remove) and tab completion, from the assembled module in a fresh pwsh, against the emulator as its own process.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module KustoConnect -Force
    $script:emulator = Start-KustoEmulator -NoConnect -ErrorAction Stop -DataDirectory (Join-Path $TestDrive 'emulator') -OperationDurationSeconds 0.2
    $script:database = @{ ResourceGroupName = 'testrg'; ClusterName = 'mykustocluster'; DatabaseName = 'mykustodatabase' }
    $script:target = '-ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase'

    # The shape of Az.IotHub's PSIotHub, which Get-AzIotHub writes.
    if (-not ('PesterStandIn.PSIotHub' -as [type])) {
        Add-Type -TypeDefinition @'
namespace PesterStandIn
{
    using System.Collections.Generic;
    public sealed class PSIotHubProperties { public string HostName { get; set; } public string State { get; set; } }
    public sealed class PSIotHubSkuInfo { public string Name { get; set; } public string Tier { get; set; } public long Capacity { get; set; } }
    public sealed class PSIotHub
    {
        public string Id { get; set; }
        public string Name { get; set; }
        public string Type { get; set; }
        public string Location { get; set; }
        public IDictionary<string, string> Tags { get; set; }
        public string Subscriptionid { get; set; }
        public string Resourcegroup { get; set; }
        public PSIotHubProperties Properties { get; set; }
        public PSIotHubSkuInfo Sku { get; set; }
    }
}
'@
    }

    function script:New-StandInHub([string] $Name) {
        $hub = [PesterStandIn.PSIotHub]::new()
        $hub.Id = "/subscriptions/$($script:emulator.SubscriptionId)/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/$Name"
        $hub.Name = $Name
        $hub.Type = 'Microsoft.Devices/IotHubs'
        $hub.Location = 'westeurope'
        $hub.Tags = [System.Collections.Generic.Dictionary[string, string]]::new()
        $hub.Subscriptionid = $script:emulator.SubscriptionId
        $hub.Resourcegroup = 'testrg'
        $hub.Properties = [PesterStandIn.PSIotHubProperties]@{ HostName = "$Name.azure-devices.net"; State = 'Active' }
        $hub.Sku = [PesterStandIn.PSIotHubSkuInfo]@{ Name = 'S1'; Tier = 'Standard'; Capacity = 1 }
        $hub
    }

    # Stand-in for Az.IotHub's Get-AzIotHub: the emulator's two hubs.
    function global:Get-AzIotHub { New-StandInHub mykustoiothub; New-StandInHub mykustoiothub2 }

    function script:Complete([string] $InputScript) {
        @((TabExpansion2 -inputScript $InputScript -cursorColumn $InputScript.Length).CompletionMatches | ForEach-Object CompletionText)
    }
}

AfterAll {
    Remove-Item function:global:Get-AzIotHub -ErrorAction SilentlyContinue
    if ($script:emulator) { Stop-KustoEmulator }
}

Describe 'Get-AzIotHub | New-KustoIotHubConnection' {
    BeforeAll { Connect-TestEmulator -Emulator $script:emulator | Out-Null }
    BeforeEach { Clear-EmulatorRequest -Emulator $script:emulator }
    AfterAll { Get-KustoDataConnection @script:database | Remove-KustoDataConnection -Force }

    It 'creates one connection per hub, named after it, with a ServiceConnect-only policy read through listkeys' {
        $created = Get-AzIotHub | New-KustoIotHubConnection @script:database -TableName StormEvents -DataFormat csv -Verbose -ErrorAction Stop 4>&1 |
            Tee-Object -Variable all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $created.Name | Should -Be @('mykustoiothub', 'mykustoiothub2')
        $created.SharedAccessPolicyName | Should -Be @('service', 'service')
        $created.Location | Should -Be @('Central US', 'Central US')
        $verbose = ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $verbose | Should -Match "shared access policy 'service' \(ServiceConnect\) of IoT hub 'mykustoiothub'"
        $verbose | Should -Match "the data connection is named 'mykustoiothub2'"

        $listKeys = @(Get-EmulatorRequest -Emulator $script:emulator -Method POST | Where-Object path -Match '/listkeys\?api-version=2023-06-30$')
        $listKeys.Count | Should -Be 2
        $puts = @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly -Method PUT)
        $puts.Count | Should -Be 2
        $puts.path | Should -Match '/resourceGroups/testrg/providers/Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/mykustoiothub2?\?'
    }

    It 'refuses a hub whose name is not a valid connection name, naming -Name, and sends nothing' {
        $hub = New-StandInHub ('hub-' + ('x' * 45))
        $hub | New-KustoIotHubConnection @script:database -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'DefaultDataConnectionNameNotValid,KustoConnect.Commands.NewKustoIotHubConnectionCommand'
        $failures[0].Exception.Message | Should -Match '-Name'
        @(Get-EmulatorRequest -Emulator $script:emulator).Count | Should -Be 0
    }

    It 'takes neither the resource group nor the subscription from the hub' {
        { Get-AzIotHub | New-KustoIotHubConnection -ClusterName mykustocluster -DatabaseName mykustodatabase -ErrorAction Stop } |
            Should -Throw -ErrorId 'MissingMandatoryParameter*'
        @(Get-EmulatorRequest -Emulator $script:emulator).Count | Should -Be 0
    }

    It 'reads no policy when -SharedAccessPolicyName is given' {
        $created = Get-AzIotHub | Select-Object -First 1 | New-KustoIotHubConnection @script:database -Name explicit-policy -SharedAccessPolicyName iothubowner -ConsumerGroup kusto -ErrorAction Stop
        $created.SharedAccessPolicyName | Should -Be 'iothubowner'
        @(Get-EmulatorRequest -Emulator $script:emulator -Method POST | Where-Object path -Match '/listkeys').Count | Should -Be 0
    }
}

Describe 'Database objects and data connection objects in the pipeline' {
    BeforeAll { Connect-TestEmulator -Emulator $script:emulator | Out-Null }
    BeforeEach { Clear-EmulatorRequest -Emulator $script:emulator }

    It 'Get-KustoCluster | Get-KustoDatabase | New-KustoEventHubConnection creates in that database' {
        $eventHubId = "/subscriptions/$($script:emulator.SubscriptionId)/resourceGroups/testrg/providers/Microsoft.EventHub/namespaces/mykustoeventhubns/eventhubs/myeventhub"
        $created = Get-KustoCluster -ResourceGroupName testrg | Get-KustoDatabase |
            New-KustoEventHubConnection -Name pipe-eh-1 -EventHubResourceId $eventHubId -TableName Telemetry -DataFormat json -ErrorAction Stop
        $created.Name | Should -Be 'pipe-eh-1'
        $created.DatabaseName | Should -Be 'mykustodatabase'
        $null = Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster |
            New-KustoEventHubConnection -Name pipe-eh-2 -EventHubResourceId $eventHubId -ConsumerGroup kusto -TableName Telemetry -DataFormat csv -ErrorAction Stop
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly -Method PUT).Count | Should -Be 2
    }

    It 'a piped database lends nothing but its place: the connection is named after the hub, not the database' {
        $hubId = "/subscriptions/$($script:emulator.SubscriptionId)/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/mykustoiothub"
        $created = Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster -Name mykustodatabase |
            New-KustoIotHubConnection -IotHubResourceId $hubId -ErrorAction Stop
        $created.Name | Should -Be 'mykustoiothub'
        $created.IotHubResourceId | Should -Be $hubId
    }

    It 'Get-KustoDataConnection | Update-KustoDataConnection -DataFormat json updates each, and | Remove-KustoDataConnection removes each' {
        $updated = Get-KustoDataConnection @script:database -Name pipe-eh-* | Update-KustoDataConnection -DataFormat json -ErrorAction Stop
        $updated.DataFormat | Should -Be @('JSON', 'JSON')
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly -Method PATCH).Count | Should -Be 2
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly -Method PUT).Count | Should -Be 0

        Get-KustoDataConnection @script:database | Remove-KustoDataConnection -Force -ErrorAction Stop
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly -Method DELETE).Count | Should -Be 3
        Get-KustoDataConnection @script:database | Should -BeNullOrEmpty
    }
}

Describe 'Tab completion' {
    BeforeAll {
        Connect-TestEmulator -Emulator $script:emulator | Out-Null
        New-KustoIotHubConnection @script:database -Name 'with space' -IotHubResourceId (Get-AzIotHub)[0].Id -ErrorAction Stop | Out-Null
    }
    AfterAll { Get-KustoDataConnection @script:database | Remove-KustoDataConnection -Force }

    It 'completes resource groups, clusters and databases from ARM' {
        Complete 'New-KustoIotHubConnection -ResourceGroupName te' | Should -Be @('testrg')
        Complete 'Get-KustoDataConnection -ResourceGroupName testrg -ClusterName my' | Should -Be @('mykustocluster')
        Complete 'Remove-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName ' | Should -Be @('mykustodatabase')
    }

    It 'completes data connection names of Get, Update and Remove, quoted when needed' {
        foreach ($command in 'Get-KustoDataConnection', 'Update-KustoDataConnection', 'Remove-KustoDataConnection') {
            Complete "$command $script:target -Name w" | Should -Be @("'with space'")
        }
    }

    It 'completes data formats and each kind''s event system properties' {
        Complete 'New-KustoEventHubConnection -DataFormat AV' | Should -Be @('AVRO')
        Complete 'New-KustoIotHubConnection -EventSystemProperty iothub-connection-d' | Should -Be @('iothub-connection-device-id')
        Complete 'New-KustoEventHubConnection -EventSystemProperty x-opt-p' | Should -Be @('x-opt-publisher', 'x-opt-partition-key')
    }

    It 'offers nothing, and sends nothing, when not signed in' {
        Disconnect-KustoAccount
        Clear-EmulatorRequest -Emulator $script:emulator
        Complete "Get-KustoDataConnection $script:target -Name " | Should -BeNullOrEmpty
        Complete 'Get-KustoCluster -ResourceGroupName ' | Should -BeNullOrEmpty
        @(Get-EmulatorRequest -Emulator $script:emulator).Count | Should -Be 0
        Connect-TestEmulator -Emulator $script:emulator | Out-Null
    }
}
