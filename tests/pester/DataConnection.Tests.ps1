#Requires -Version 7.0
# The assembled module in a fresh pwsh, against the emulator running as its own process, as a user would use them.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module KustoConnect -Force
    $script:emulator = Start-KustoEmulator -NoConnect -ErrorAction Stop -DataDirectory (Join-Path $TestDrive 'emulator') -OperationDurationSeconds 0.2
    $script:database = @{ ResourceGroupName = 'testrg'; ClusterName = 'mykustocluster'; DatabaseName = 'mykustodatabase' }
}

AfterAll {
    if ($script:emulator) { Stop-KustoEmulator }
}

Describe 'The walkthrough, typed at a prompt' {
    BeforeAll { Connect-TestEmulator -Emulator $script:emulator | Out-Null }

    It 'creates the IoT Hub data connection and waits until it has succeeded' {
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator
        $created = New-KustoIotHubConnection @parameters -ErrorAction Stop
        $created.PSObject.TypeNames[0] | Should -Be 'KustoConnect.Models.KustoIotHubDataConnection'
        $created.Name | Should -Be 'myeventhubconnect'
        $created.ProvisioningState | Should -Be 'Succeeded'
        $created.DataFormat | Should -Be 'CSV'
        $created.ConsumerGroup | Should -Be '$Default'
        $created.TableName | Should -Be 'StormEvents'
        $created.Location | Should -Not -BeNullOrEmpty
    }

    It 'lists it in a table whose Name column is the short name' {
        $listed = @(Get-KustoDataConnection @script:database)
        $listed.Name | Should -Contain 'myeventhubconnect'
        $table = $listed | Format-Table | Out-String -Width 250
        $table | Should -Match 'ProvisioningState'
        $table | Should -Match '(?m)^myeventhubconnect\s+IotHub\s+mykustodatabase\s+StormEvents\s+CSV\s+\$Default\s+Succeeded'
        $table | Should -Not -Match 'mykustocluster/mykustodatabase/myeventhubconnect'
    }

    It 'deletes it from the pipeline of Get-KustoDataConnection' {
        Get-KustoDataConnection @script:database -Name myeventhubconnect | Remove-KustoDataConnection -Force -ErrorAction Stop
        Get-KustoDataConnection @script:database | Where-Object Name -EQ 'myeventhubconnect' | Should -BeNullOrEmpty
    }
}

Describe 'Bad input is refused before anything is sent' {
    BeforeAll { Connect-TestEmulator -Emulator $script:emulator | Out-Null }
    BeforeEach { Clear-EmulatorRequest -Emulator $script:emulator }

    It 'refuses <Parameter> = <Value> with <ErrorId>' -ForEach @(
        @{ Parameter = 'Name'; Value = 'no/slashes'; ErrorId = 'InvalidDataConnectionName' }
        @{ Parameter = 'IotHubResourceId'; Value = '/subscriptions/x/resourceGroups/r/providers/Microsoft.Devices/widgets/h'; ErrorId = 'InvalidIotHubResourceId' }
        @{ Parameter = 'DataFormat'; Value = 'xml'; ErrorId = 'InvalidDataFormat' }
        @{ Parameter = 'DataFormat'; Value = 'Raw'; ErrorId = 'DataFormatNotSupportedForIotHub' }
    ) {
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'refused'
        $parameters[$Parameter] = $Value
        $result = New-KustoIotHubConnection @parameters -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be "$ErrorId,KustoConnect.Commands.NewKustoIotHubConnectionCommand"
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly).Count | Should -Be 0
    }

    It 'accepts the consumer group $Default and any casing of the hub id segments' {
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'casing'
        $parameters.IotHubResourceId = $parameters.IotHubResourceId.Replace('/resourceGroups/', '/RESOURCEGROUPS/').Replace('IotHubs', 'iothubs')
        $created = New-KustoIotHubConnection @parameters -ErrorAction Stop
        $created.ProvisioningState | Should -Be 'Succeeded'
        $created | Remove-KustoDataConnection -Confirm:$false
    }

    It 'sends no write with -WhatIf' {
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'whatif'
        New-KustoIotHubConnection @parameters -WhatIf | Should -BeNullOrEmpty
        Remove-KustoDataConnection @script:database -Name whatif -WhatIf
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly | Where-Object method -In 'PUT', 'DELETE', 'PATCH').Count | Should -Be 0
    }
}

Describe 'No request ever reaches a resource the user did not name' {
    BeforeAll { Connect-TestEmulator -Emulator $script:emulator | Out-Null }
    BeforeEach { Clear-EmulatorRequest -Emulator $script:emulator }

    It '<Command> <Description> is refused with <ErrorId> and sends nothing' -ForEach @(
        @{ Command = 'Remove-KustoDataConnection'; Description = "-Name '..' -Force"; Parameters = @{ Name = '..'; Force = $true }; ErrorId = 'InvalidDataConnectionName' }
        @{ Command = 'Remove-KustoDataConnection'; Description = "-DatabaseName '..' -Name '..' -Force"; Parameters = @{ DatabaseName = '..'; Name = '..'; Force = $true }; ErrorId = 'InvalidDatabaseName' }
        @{ Command = 'Remove-KustoDataConnection'; Description = "-ResourceGroupName '..' -Force"; Parameters = @{ ResourceGroupName = '..'; Name = 'x'; Force = $true }; ErrorId = 'InvalidResourceGroupName' }
        @{ Command = 'Remove-KustoDataConnection'; Description = "-Name 'a/../..' -Force"; Parameters = @{ Name = 'a/../..'; Force = $true }; ErrorId = 'InvalidDataConnectionName' }
        @{ Command = 'Get-KustoDataConnection'; Description = "-Name '..'"; Parameters = @{ Name = '..' }; ErrorId = 'InvalidDataConnectionName' }
        @{ Command = 'Get-KustoDataConnection'; Description = "-DatabaseName 'mykustodatabase/x'"; Parameters = @{ DatabaseName = 'mykustodatabase/x' }; ErrorId = 'InvalidDatabaseName' }
        @{ Command = 'Get-KustoDataConnection'; Description = "-Kind Bogus"; Parameters = @{ Kind = 'Bogus' }; ErrorId = 'InvalidDataConnectionKind' }
        @{ Command = 'Get-KustoDataConnection'; Description = "-Name 'my['"; Parameters = @{ Name = 'my[' }; ErrorId = 'InvalidWildcardPattern' }
    ) {
        $splat = @{ ResourceGroupName = 'testrg'; ClusterName = 'mykustocluster'; DatabaseName = 'mykustodatabase' }
        foreach ($key in $Parameters.Keys) { $splat[$key] = $Parameters[$key] }
        & $Command @splat -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        @(Get-EmulatorRequest -Emulator $script:emulator | Where-Object path -Like '/subscriptions*').Count | Should -Be 0
    }

    It 'refuses a data connection id whose name is <Tail>' -ForEach @(@{ Tail = '..' }, @{ Tail = '%2e%2e' }) {
        $id = "/subscriptions/$($script:emulator.SubscriptionId)/resourceGroups/testrg/providers/Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/$Tail"
        Remove-KustoDataConnection -ResourceId $id -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidDataConnectionResourceId,KustoConnect.Commands.RemoveKustoDataConnectionCommand'
        @(Get-EmulatorRequest -Emulator $script:emulator | Where-Object path -Like '/subscriptions*').Count | Should -Be 0
    }

    It 'refuses a name of three spaces and a whitespace-only consumer group before any request' {
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name '   '
        New-KustoIotHubConnection @parameters -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidDataConnectionName,KustoConnect.Commands.NewKustoIotHubConnectionCommand'
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'spaces'
        $parameters.ConsumerGroup = '  '
        New-KustoIotHubConnection @parameters -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidConsumerGroup,KustoConnect.Commands.NewKustoIotHubConnectionCommand'
        @(Get-EmulatorRequest -Emulator $script:emulator | Where-Object path -Like '/subscriptions*').Count | Should -Be 0
    }

    It 'refuses a -Location that is not the cluster''s, naming the cluster''s, and writes nothing' {
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'elsewhere'
        $parameters.Location = 'West Europe'
        New-KustoIotHubConnection @parameters -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'LocationNotClusterLocation,KustoConnect.Commands.NewKustoIotHubConnectionCommand'
        $failures[0].Exception.Message | Should -Match 'Central US'
        @(Get-EmulatorRequest -Emulator $script:emulator | Where-Object method -In 'PUT', 'PATCH', 'DELETE').Count | Should -Be 0
    }
}

Describe 'Service failures become error records' {
    BeforeAll { Connect-TestEmulator -Emulator $script:emulator | Out-Null }

    It 'carries the ARM error code, message and correlation id of a failed create' {
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'nopolicy'
        $parameters.SharedAccessPolicyName = 'registryRead'
        New-KustoIotHubConnection @parameters -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $failures[0].Exception.Code | Should -Not -BeNullOrEmpty
        $failures[0].Exception.CorrelationId | Should -Not -BeNullOrEmpty
        $failures[0].Exception.Message | Should -Match 'registryRead'
    }

    It 'reports a missing data connection as ObjectNotFound' {
        Get-KustoDataConnection @script:database -Name nosuchconnection -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'ArmResourceNotFound,KustoConnect.Commands.GetKustoDataConnectionCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'fails Connect-KustoAccount with an authentication error for a wrong secret, without echoing it' {
        $wrong = 'wrong-secret-for-pester-0042'
        { Connect-TestEmulator -Emulator $script:emulator -ClientSecret $wrong } | Should -Throw -ErrorId '*,KustoConnect.Commands.ConnectKustoAccountCommand'
        try { Connect-TestEmulator -Emulator $script:emulator -ClientSecret $wrong } catch { $record = $_ }
        $record.CategoryInfo.Category | Should -Be 'AuthenticationError'
        ($record | Out-String) | Should -Not -Match $wrong
    }
}
