#Requires -Version 7.0
# Every data-connection kind, Update-KustoDataConnection and the cluster/database cmdlets, from the assembled module in a
# fresh pwsh, against the emulator running as its own process.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module KustoConnect -Force
    $script:emulator = Start-KustoEmulator -NoConnect -ErrorAction Stop -DataDirectory (Join-Path $TestDrive 'emulator') -OperationDurationSeconds 0.2
    $script:database = @{ ResourceGroupName = 'testrg'; ClusterName = 'mykustocluster'; DatabaseName = 'mykustodatabase' }
    $script:group = "/subscriptions/$($script:emulator.SubscriptionId)/resourceGroups/testrg/providers"
    $script:eventHub = @{
        EventHubResourceId = "$script:group/Microsoft.EventHub/namespaces/mykustoeventhubns/eventhubs/myeventhub"
        TableName          = 'StormEvents'
        MappingRuleName    = 'StormEvents_CSV_Mapping'
        DataFormat         = 'csv'
    }
}

AfterAll {
    if ($script:emulator) { Stop-KustoEmulator }
}

Describe 'An Event Hub data connection, created and changed from the prompt' {
    BeforeAll { Connect-TestEmulator -Emulator $script:emulator | Out-Null }

    It 'is created without -Location, in the cluster''s location, and says so on the verbose stream' {
        $created = New-KustoEventHubConnection @script:database @script:eventHub -Name 'pester-eh' -Verbose -ErrorAction Stop 4>&1 |
            Tee-Object -Variable all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $created.PSObject.TypeNames[0] | Should -Be 'KustoConnect.Models.KustoEventHubDataConnection'
        $created.ProvisioningState | Should -Be 'Succeeded'
        $created.ConsumerGroup | Should -Be '$Default'
        $created.Location | Should -Be (Get-KustoCluster -ResourceGroupName testrg -Name mykustocluster).Location
        (($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n") | Should -Match "No -Location given.*'Central US'"
    }

    It 'shows in the table view with its kind, table, format and consumer group' {
        $table = Get-KustoDataConnection @script:database -Kind EventHub | Format-Table | Out-String -Width 250
        $table | Should -Match '(?m)^pester-eh\s+EventHub\s+mykustodatabase\s+StormEvents\s+CSV\s+\$Default\s+Succeeded'
    }

    It 'changes only the data format when piped to Update-KustoDataConnection -DataFormat json' {
        Clear-EmulatorRequest -Emulator $script:emulator
        $updated = Get-KustoDataConnection @script:database -Name pester-eh | Update-KustoDataConnection -DataFormat json -ErrorAction Stop
        $updated.DataFormat | Should -Be 'JSON'
        $after = Get-KustoDataConnection @script:database -Name pester-eh
        $after.Kind | Should -Be 'EventHub'
        $after.TableName | Should -Be 'StormEvents'
        $after.MappingRuleName | Should -Be 'StormEvents_CSV_Mapping'
        $after.ConsumerGroup | Should -Be '$Default'
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly -Method PATCH).Count | Should -Be 1
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly -Method PUT).Count | Should -Be 0
    }

    It 'refuses a parameter of another kind, with its own error id, and writes nothing' {
        Clear-EmulatorRequest -Emulator $script:emulator
        Update-KustoDataConnection @script:database -Name pester-eh -SharedAccessPolicyName iothubowner -ErrorVariable failures -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'ParameterNotValidForKind,KustoConnect.Commands.UpdateKustoDataConnectionCommand'
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly | Where-Object method -In 'PUT', 'PATCH', 'DELETE').Count | Should -Be 0
    }

    It 'sends no write with -WhatIf' {
        Clear-EmulatorRequest -Emulator $script:emulator
        Update-KustoDataConnection @script:database -Name pester-eh -TableName Telemetry -WhatIf | Should -BeNullOrEmpty
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly | Where-Object method -In 'PUT', 'PATCH', 'DELETE').Count | Should -Be 0
    }
}

Describe 'Event Grid and Cosmos DB data connections' {
    BeforeAll { Connect-TestEmulator -Emulator $script:emulator | Out-Null }

    It 'creates an Event Grid connection for blobs of a storage account' {
        $created = New-KustoEventGridConnection @script:database -Name 'pester-eg' -ErrorAction Stop `
            -StorageAccountResourceId "$script:group/Microsoft.Storage/storageAccounts/mykustostorage" `
            -EventHubResourceId $script:eventHub.EventHubResourceId -ConsumerGroup kusto -TableName StormEvents -DataFormat csv -IgnoreFirstRecord
        $created.PSObject.TypeNames[0] | Should -Be 'KustoConnect.Models.KustoEventGridDataConnection'
        $created.IgnoreFirstRecord | Should -BeTrue
        $created.ProvisioningState | Should -Be 'Succeeded'
    }

    It 'creates a Cosmos DB connection with a managed identity' {
        $created = New-KustoCosmosDbConnection @script:database -Name 'pester-cosmos' -ErrorAction Stop `
            -CosmosDbAccountResourceId "$script:group/Microsoft.DocumentDB/databaseAccounts/mykustocosmos" -CosmosDbDatabase mydb `
            -CosmosDbContainer mycontainer -TableName Telemetry `
            -ManagedIdentityResourceId "$script:group/Microsoft.ManagedIdentity/userAssignedIdentities/mykustoidentity"
        $created.PSObject.TypeNames[0] | Should -Be 'KustoConnect.Models.KustoCosmosDbDataConnection'
        $created.ManagedIdentityObjectId | Should -Not -BeNullOrEmpty
        ($created | Format-List | Out-String) | Should -Match 'CosmosDbContainer\s+:\s+mycontainer'
    }

    It 'filters the list by kind with wildcards' {
        @(Get-KustoDataConnection @script:database -Kind 'Cosmos*').Name | Should -Be @('pester-cosmos')
    }
}

Describe 'Clusters and databases' {
    BeforeAll { Connect-TestEmulator -Emulator $script:emulator | Out-Null }

    It 'lists the clusters of a resource group and the databases of a piped cluster' {
        $cluster = Get-KustoCluster -ResourceGroupName testrg -Name 'mykusto*'
        $cluster.PSObject.TypeNames[0] | Should -Be 'KustoConnect.Models.KustoCluster'
        $cluster.State | Should -Be 'Running'
        $databases = @($cluster | Get-KustoDatabase)
        $databases.Name | Should -Contain 'mykustodatabase'
        ($databases | Format-Table | Out-String) | Should -Match 'ReadWrite'
    }
}
