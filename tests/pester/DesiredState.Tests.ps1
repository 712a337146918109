#Requires -Version 7.0
# Desired state: Export-KustoDataConnection writes a database's data connections to a definition file, and
# Sync-KustoDataConnection brings Azure back to it with the minimum of writes (counted from the emulator's request log),
# from the assembled module in a fresh pwsh, against the emulator running as its own process.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:KUSTOCONNECT_MODULE_MANIFEST -Force
    $script:emulator = Start-KustoEmulator -NoConnect -ErrorAction Stop -DataDirectory (Join-Path $TestDrive 'emulator') -OperationDurationSeconds 0.2
    $script:database = @{ ResourceGroupName = 'testrg'; ClusterName = 'mykustocluster'; DatabaseName = 'mykustodatabase' }
    $script:eventHubId = "/subscriptions/$($script:emulator.SubscriptionId)/resourceGroups/testrg/providers/Microsoft.EventHub/namespaces/mykustoeventhubns/eventhubs/myeventhub"
    $script:schema = Join-Path (Split-Path $env:KUSTOCONNECT_MODULE_MANIFEST) 'KustoDataConnections.schema.json'

    function Get-Write {
        <# The writes to data connections in the request log (PUT, PATCH, DELETE), in order. #>
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly | Where-Object method -In 'PUT', 'PATCH', 'DELETE')
    }

    function Remove-AllConnection {
        Get-KustoDataConnection @script:database | Remove-KustoDataConnection -Force -ErrorAction Stop
    }
}

AfterAll {
    if ($script:emulator) { Stop-KustoEmulator }
}

Describe 'Export, drift, Sync: the file''s state comes back with the minimum of writes' {
    BeforeAll {
        Connect-TestEmulator -Emulator $script:emulator | Out-Null
        Remove-AllConnection
        $walkthrough = Get-WalkthroughParameter -Emulator $script:emulator -Name 'ds-iot'
        New-KustoIotHubConnection @walkthrough -ErrorAction Stop | Out-Null
        New-KustoEventHubConnection @script:database -Name ds-drift -EventHubResourceId $script:eventHubId -TableName StormEvents -MappingRuleName StormEvents_CSV_Mapping -DataFormat csv -ErrorAction Stop | Out-Null
        New-KustoEventHubConnection @script:database -Name ds-deleted -EventHubResourceId $script:eventHubId -ConsumerGroup kusto -TableName Telemetry -DataFormat json -ErrorAction Stop | Out-Null
        $script:file = Join-Path $TestDrive 'connections.json'
    }

    It 'exports the database: one entry per connection, target, kind, location and settable properties, no read-only ones, no secret, valid for the shipped schema' {
        Export-KustoDataConnection @script:database -Path $script:file -ErrorAction Stop | Should -BeNullOrEmpty
        $text = Get-Content -Raw -LiteralPath $script:file
        $definition = $text | ConvertFrom-Json
        $definition.version | Should -Be 1
        $definition.dataConnections.name | Sort-Object | Should -Be @('ds-deleted', 'ds-drift', 'ds-iot')
        $iot = $definition.dataConnections | Where-Object name -EQ 'ds-iot'
        $iot.kind | Should -Be 'IotHub'
        $iot.subscriptionId | Should -Be $script:emulator.SubscriptionId
        $iot.resourceGroupName | Should -Be 'testrg'
        $iot.clusterName | Should -Be 'mykustocluster'
        $iot.databaseName | Should -Be 'mykustodatabase'
        $iot.location | Should -Be 'Central US'
        $iot.properties.sharedAccessPolicyName | Should -Be 'iothubforread'
        $iot.properties.dataFormat | Should -Be 'CSV'
        $text | Should -Not -Match 'provisioningState|managedIdentityObjectId|primaryKey|SharedAccessKey'
        foreach ($key in 'HeXI4F3E7GyxiW3HetEI8Xn/VNCqdqU2x1o5/rFD6YA=', 'xKI/fc07CL/9t1Ay0LmWykUscNWeQpHQKoXcSws99Ag=', 'yLJJEx19wG8rNtKiCB8+/JWrPDSRa5SHLVvBnrrdY+k=') {
            $text.Contains($key) | Should -BeFalse
        }
        Test-Json -Path $script:file -SchemaFile $script:schema | Should -BeTrue
    }

    It 'sends no write when nothing drifted' {
        Clear-EmulatorRequest -Emulator $script:emulator
        $results = Sync-KustoDataConnection -Path $script:file -ErrorAction Stop
        $results.Action | Should -Be @('NoChange', 'NoChange', 'NoChange')
        Get-Write | Should -BeNullOrEmpty
    }

    Context 'after changes on the server: one property drifted, one connection deleted, one added outside the file' {
        BeforeAll {
            Update-KustoDataConnection @script:database -Name ds-drift -Kind EventHub -DataFormat json -ErrorAction Stop | Out-Null
            Remove-KustoDataConnection @script:database -Name ds-deleted -Force -ErrorAction Stop
            $extra = Get-WalkthroughParameter -Emulator $script:emulator -Name 'ds-extra'
            $extra.ConsumerGroup = 'kusto'
            New-KustoIotHubConnection @extra -ErrorAction Stop | Out-Null
        }

        It 'Sync -WhatIf writes nothing and outputs the plan' {
            Clear-EmulatorRequest -Emulator $script:emulator
            $plan = Sync-KustoDataConnection -Path $script:file -Prune -WhatIf
            Get-Write | Should -BeNullOrEmpty
            $plan | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'KustoConnect.Models.KustoSyncResult' }
            $plan.Result | Sort-Object -Unique | Should -Be 'WhatIf'
            ($plan | Where-Object Name -EQ 'ds-drift').Action | Should -Be 'Update'
            $change = ($plan | Where-Object Name -EQ 'ds-drift').Changes
            $change.Property | Should -Be 'dataFormat'
            $change.OldValue | Should -Be 'JSON'
            $change.NewValue | Should -Be 'CSV'
            ($plan | Where-Object Name -EQ 'ds-deleted').Action | Should -Be 'Create'
            ($plan | Where-Object Name -EQ 'ds-iot').Action | Should -Be 'NoChange'
            ($plan | Where-Object Name -EQ 'ds-extra').Action | Should -Be 'Remove'
            (Get-KustoDataConnection @script:database -Name ds-drift).DataFormat | Should -Be 'JSON'
        }

        It 'Sync restores the file''s state with one PATCH of the drifted property and one PUT of the deleted connection, and keeps the extra one' {
            Clear-EmulatorRequest -Emulator $script:emulator
            $results = Sync-KustoDataConnection -Path $script:file -ErrorAction Stop
            $writes = Get-Write
            $writes.Count | Should -Be 2
            @($writes | Where-Object { $_.method -eq 'PATCH' -and $_.path -match '/ds-drift(\?|$)' }).Count | Should -Be 1
            @($writes | Where-Object { $_.method -eq 'PUT' -and $_.path -match '/ds-deleted(\?|$)' }).Count | Should -Be 1
            ($results | Where-Object Name -EQ 'ds-drift').Result | Should -Be 'Succeeded'
            ($results | Where-Object Name -EQ 'ds-deleted').DataConnection.ProvisioningState | Should -Be 'Succeeded'
            $results.Name | Should -Not -Contain 'ds-extra'
            (Get-KustoDataConnection @script:database -Name ds-drift).DataFormat | Should -Be 'CSV'
            (Get-KustoDataConnection @script:database -Name ds-drift).MappingRuleName | Should -Be 'StormEvents_CSV_Mapping'
            $restored = Get-KustoDataConnection @script:database -Name ds-deleted
            $restored.ConsumerGroup | Should -Be 'kusto'
            $restored.TableName | Should -Be 'Telemetry'
            $restored.DataFormat | Should -Be 'JSON'
            Get-KustoDataConnection @script:database -Name ds-extra | Should -Not -BeNullOrEmpty
        }

        It 'Sync -Prune removes the extra one with one DELETE' {
            Clear-EmulatorRequest -Emulator $script:emulator
            $results = Sync-KustoDataConnection -Path $script:file -Prune -ErrorAction Stop
            $writes = Get-Write
            $writes.Count | Should -Be 1
            $writes[0].method | Should -Be 'DELETE'
            $writes[0].path | Should -Match '/ds-extra(\?|$)'
            ($results | Where-Object Name -EQ 'ds-extra').Action | Should -Be 'Remove'
            (Get-KustoDataConnection @script:database).Name | Sort-Object | Should -Be @('ds-deleted', 'ds-drift', 'ds-iot')
        }

        It 'a second Sync writes nothing' {
            Clear-EmulatorRequest -Emulator $script:emulator
            $results = Sync-KustoDataConnection -Path $script:file -Prune -ErrorAction Stop
            Get-Write | Should -BeNullOrEmpty
            $results.Action | Sort-Object -Unique | Should -Be 'NoChange'
        }
    }
}

Describe 'Sync-KustoDataConnection refuses a bad file, validates, replaces a changed kind, runs as a job' {
    BeforeAll {
        Connect-TestEmulator -Emulator $script:emulator | Out-Null
        function New-DefinitionFile([string] $Name, [object[]] $Entries) {
            $path = Join-Path $TestDrive $Name
            @{ version = 1; dataConnections = $Entries } | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $path
            $path
        }
        function New-EventHubEntry([string] $Name, [hashtable] $Properties = @{}) {
            $p = @{ eventHubResourceId = $script:eventHubId; consumerGroup = '$Default'; tableName = 'StormEvents'; dataFormat = 'csv' }
            foreach ($k in $Properties.Keys) { $p[$k] = $Properties[$k] }
            [ordered]@{ resourceGroupName = 'testrg'; clusterName = 'mykustocluster'; databaseName = 'mykustodatabase'; name = $Name; kind = 'EventHub'; properties = $p }
        }
    }

    It 'reports every problem of the file at once, each with its own error id, and sends no request' {
        $bad = New-DefinitionFile 'bad.json' @(
            (New-EventHubEntry 'ok-entry')
            (New-EventHubEntry 'bad format' @{ dataFormat = 'NOPE' })
            [ordered]@{ resourceGroupName = 'testrg'; clusterName = 'Bad_Cluster'; databaseName = 'mykustodatabase'; name = 'x'; kind = 'IotHub'; properties = @{ consumerGroup = '$Default'; dataFormat = 'raw' } }
            (New-EventHubEntry 'ok-entry')
            (New-EventHubEntry 'readonly' @{ provisioningState = 'Succeeded'; compressionn = 'GZip' })
        )
        Clear-EmulatorRequest -Emulator $script:emulator
        $out = Sync-KustoDataConnection -Path $bad -ErrorVariable problems -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $ids = $problems | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }
        $ids | Should -Contain 'InvalidDataFormat'
        $ids | Should -Contain 'InvalidClusterName'
        $ids | Should -Contain 'MissingIotHubResourceId'
        $ids | Should -Contain 'MissingSharedAccessPolicyName'
        $ids | Should -Contain 'DataFormatNotSupportedForIotHub'
        $ids | Should -Contain 'DuplicateDataConnection'
        $ids | Should -Contain 'ReadOnlyProperty'
        $ids | Should -Contain 'UnknownProperty'
        $problems | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'InvalidData' }
        ($problems | Where-Object { $_.FullyQualifiedErrorId -like 'InvalidDataFormat,*' }).Exception.Message | Should -Match "dataConnections\[1\] 'bad format'"
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly) | Should -BeNullOrEmpty
    }

    It '-Validate runs the service''s validation of each entry to be created and writes nothing when it finds problems' {
        $file = New-DefinitionFile 'validate.json' @(New-EventHubEntry 'ds-validate' @{ tableName = 'NoSuchTable' })
        Clear-EmulatorRequest -Emulator $script:emulator
        Sync-KustoDataConnection -Path $file -Validate -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DataConnectionValidationFailed,*'
        $failures[0].Exception.Message | Should -Match 'NoSuchTable'
        @(Get-EmulatorRequest -Emulator $script:emulator -Method POST | Where-Object path -Match '/dataConnectionValidation').Count | Should -Be 1
        Get-Write | Should -BeNullOrEmpty
    }

    It 'a kind change is a removal and a create: refused without -Force in a non-interactive session, done with -Force' {
        Remove-AllConnection
        $walkthrough = Get-WalkthroughParameter -Emulator $script:emulator -Name 'ds-kind'
        New-KustoIotHubConnection @walkthrough -ErrorAction Stop | Out-Null
        $file = New-DefinitionFile 'kind.json' @(New-EventHubEntry 'ds-kind')

        Clear-EmulatorRequest -Emulator $script:emulator
        $declined = Sync-KustoDataConnection -Path $file -ErrorVariable refused -ErrorAction SilentlyContinue
        ($refused | Select-Object -First 1).FullyQualifiedErrorId | Should -BeLike 'KindChangeNotConfirmed,*'
        $declined.Result | Should -Be 'Declined'
        Get-Write | Should -BeNullOrEmpty

        $replaced = Sync-KustoDataConnection -Path $file -Force -ErrorAction Stop
        $replaced.Action | Should -Be 'Replace'
        $replaced.PreviousKind | Should -Be 'IotHub'
        $replaced.DataConnection.Kind | Should -Be 'EventHub'
        (Get-Write).method | Should -Be @('DELETE', 'PUT')
        (Get-KustoDataConnection @script:database -Name ds-kind).Kind | Should -Be 'EventHub'
    }

    It '-AsJob plans now and writes in one job, its results in file order' {
        Remove-AllConnection
        $file = New-DefinitionFile 'job.json' @((New-EventHubEntry 'ds-job-1'), (New-EventHubEntry 'ds-job-2' @{ consumerGroup = 'kusto' }))
        Clear-EmulatorRequest -Emulator $script:emulator
        $job = Sync-KustoDataConnection -Path $file -AsJob -ThrottleLimit 2
        $job.PSJobTypeName | Should -Be 'KustoConnectJob'
        $results = $job | Wait-Job -Timeout 120 | Receive-Job
        $job.State | Should -Be 'Completed'
        $results.Name | Should -Be @('ds-job-1', 'ds-job-2')
        $results.Action | Should -Be @('Create', 'Create')
        @(Get-Write | Where-Object method -EQ 'PUT').Count | Should -Be 2
        $job | Remove-Job
    }

    It 'a connection renamed in the file gets the consumer group its old name held: the removal ends before the create' {
        Remove-AllConnection
        New-KustoEventHubConnection @script:database -Name ds-old-name -EventHubResourceId $script:eventHubId -TableName StormEvents -DataFormat csv -ErrorAction Stop | Out-Null
        $file = New-DefinitionFile 'rename.json' @(New-EventHubEntry 'ds-new-name')
        Clear-EmulatorRequest -Emulator $script:emulator
        $results = Sync-KustoDataConnection -Path $file -Prune -ThrottleLimit 5 -ErrorAction Stop
        $results.Action | Should -Be @('Remove', 'Create')
        $results.Result | Should -Be @('Succeeded', 'Succeeded')
        # Order from the request log: the removal's operation is polled to its end before the create's PUT is sent.
        $log = @(Get-EmulatorRequest -Emulator $script:emulator)
        $delete = @(0..($log.Count - 1) | Where-Object { $log[$_].method -eq 'DELETE' -and $log[$_].path -match '/ds-old-name(\?|$)' })
        $put = @(0..($log.Count - 1) | Where-Object { $log[$_].method -eq 'PUT' -and $log[$_].path -match '/ds-new-name(\?|$)' })
        $delete.Count | Should -Be 1
        $put.Count | Should -Be 1
        $polls = @($delete[0]..$put[0] | Where-Object { $log[$_].method -eq 'GET' -and $log[$_].path -match '/operationResults/' })
        $polls.Count | Should -BeGreaterThan 0
        (Get-KustoDataConnection @script:database).Name | Should -Be 'ds-new-name'
    }

    It 'a rename under -ThrottleLimit 1 does not wait for itself' {
        $file = New-DefinitionFile 'rename-again.json' @(New-EventHubEntry 'ds-third-name')
        $results = Sync-KustoDataConnection -Path $file -Prune -ThrottleLimit 1 -ErrorAction Stop
        $results.Action | Should -Be @('Remove', 'Create')
        (Get-KustoDataConnection @script:database).Name | Should -Be 'ds-third-name'
    }

    It 'a failed item writes an error whose target is its result, and the other items go on' {
        Remove-AllConnection
        $file = New-DefinitionFile 'partial.json' @((New-EventHubEntry 'ds-fails' @{ consumerGroup = 'no-such-group' }), (New-EventHubEntry 'ds-works'))
        $results = Sync-KustoDataConnection -Path $file -ErrorVariable failed -ErrorAction SilentlyContinue
        $results.Name | Should -Be 'ds-works'
        $failed.Count | Should -Be 1
        $failed[0].TargetObject.Name | Should -Be 'ds-fails'
        $failed[0].TargetObject.Result | Should -Be 'Failed'
        $failed[0].TargetObject.Error | Should -Not -BeNullOrEmpty
    }
}
