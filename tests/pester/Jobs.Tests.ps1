#Requires -Version 7.0
# -AsJob, -NoWait with Wait-KustoOperation, and -ThrottleLimit, from the assembled module in a fresh pwsh, against the
# emulator running as its own process.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module KustoConnect -Force
    $script:emulator = Start-KustoEmulator -NoConnect -ErrorAction Stop -DataDirectory (Join-Path $TestDrive 'emulator') -OperationDurationSeconds 0.3
    $script:database = @{ ResourceGroupName = 'testrg'; ClusterName = 'mykustocluster'; DatabaseName = 'mykustodatabase' }
    Connect-TestEmulator -Emulator $script:emulator | Out-Null
}

AfterAll {
    Get-Job | Where-Object PSJobTypeName -EQ 'KustoConnectJob' | Remove-Job -Force
    if ($script:emulator) { Stop-KustoEmulator }
}

Describe 'New-KustoIotHubConnection -AsJob' {
    It 'returns a KustoConnect job at once that Wait-Job and Receive-Job finish with the new connection' {
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'pester-job'
        $job = New-KustoIotHubConnection @parameters -AsJob
        $job.PSJobTypeName | Should -Be 'KustoConnectJob'
        (Get-Job -Id $job.Id).Id | Should -Be $job.Id

        $result = $job | Wait-Job -Timeout 60 | Receive-Job -ErrorAction Stop
        $job.State | Should -Be 'Completed'
        $result.PSObject.TypeNames[0] | Should -Be 'KustoConnect.Models.KustoIotHubDataConnection'
        $result.Name | Should -Be 'pester-job'
        $result.ProvisioningState | Should -Be 'Succeeded'
        $job | Remove-Job
    }

    It 'creates no job and sends nothing with -WhatIf' {
        Clear-EmulatorRequest -Emulator $script:emulator
        $before = @(Get-Job).Count
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'pester-whatif'
        New-KustoIotHubConnection @parameters -AsJob -WhatIf | Should -BeNullOrEmpty
        @(Get-Job).Count | Should -Be $before
        @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly).Count | Should -Be 0
    }

    It 'ends Failed with the synchronous error id when the connection already exists' {
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'pester-job'
        $job = New-KustoIotHubConnection @parameters -AsJob
        $job | Wait-Job -Timeout 60 | Receive-Job -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $job.State | Should -Be 'Failed'
        $failures[0].FullyQualifiedErrorId | Should -Be 'DataConnectionAlreadyExists,KustoConnect.Commands.NewKustoIotHubConnectionCommand'
        $job | Remove-Job
    }
}

Describe 'Remove-KustoDataConnection -AsJob with piped connections' {
    It 'removes every piped connection in one job' {
        $job = Get-KustoDataConnection @script:database | Remove-KustoDataConnection -Force -AsJob
        @($job).Count | Should -Be 1
        $job | Wait-Job -Timeout 60 | Receive-Job -ErrorAction Stop | Should -BeNullOrEmpty
        $job.State | Should -Be 'Completed'
        Get-KustoDataConnection @script:database | Should -BeNullOrEmpty
        $job | Remove-Job
    }
}

Describe '-NoWait and Wait-KustoOperation' {
    It 'returns the accepted operation, then waits for the created connection' {
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'pester-nowait'
        $operation = New-KustoIotHubConnection @parameters -NoWait -ErrorAction Stop
        $operation.PSObject.TypeNames[0] | Should -Be 'KustoConnect.Models.KustoOperation'
        $operation.Kind | Should -Be 'Create'
        $operation.ProvisioningState | Should -Be 'Creating'
        $operation.OperationUrl | Should -Match '^https://127\.0\.0\.1:\d+/subscriptions/.+/operationResults/'

        $connection = $operation | Wait-KustoOperation -ErrorAction Stop
        $connection.ProvisioningState | Should -Be 'Succeeded'
    }

    It 'waits by URL and resource id, as a later session would, and writes nothing after a delete' {
        $id = (Get-KustoDataConnection @script:database -Name 'pester-nowait').Id
        $deletion = Remove-KustoDataConnection -ResourceId $id -Force -NoWait -ErrorAction Stop
        $deletion.Kind | Should -Be 'Delete'
        $deletion.ProvisioningState | Should -Be 'Deleting'
        Wait-KustoOperation -OperationUrl $deletion.OperationUrl -ErrorAction Stop | Should -BeNullOrEmpty
        Get-KustoDataConnection @script:database | Should -BeNullOrEmpty
    }

    It 'refuses an operation URL on another host' {
        Wait-KustoOperation -OperationUrl 'https://elsewhere.invalid/subscriptions/x/providers/Microsoft.Kusto/locations/x/operationResults/1' -ErrorVariable failures -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'OperationUrlNotOnArmEndpoint,KustoConnect.Commands.WaitKustoOperationCommand'
    }
}

Describe '-ThrottleLimit' {
    It 'starts the piped creates together and writes the results in pipeline order' {
        Clear-EmulatorRequest -Emulator $script:emulator
        $hubs = "/subscriptions/$($script:emulator.SubscriptionId)/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs"
        $items = @(
            [pscustomobject]@{ IotHubResourceId = "$hubs/mykustoiothub" }
            [pscustomobject]@{ IotHubResourceId = "$hubs/mykustoiothub2" }
        )
        $created = $items | New-KustoIotHubConnection @script:database -SharedAccessPolicyName iothubforread -ThrottleLimit 2 -ErrorAction Stop
        $created.Name | Should -Be @('mykustoiothub', 'mykustoiothub2')
        $log = @(Get-EmulatorRequest -Emulator $script:emulator -DataConnectionsOnly)
        $puts = @(0..($log.Count - 1) | Where-Object { $log[$_].method -eq 'PUT' })
        $firstReadBack = @(0..($log.Count - 1) | Where-Object { $log[$_].method -eq 'GET' -and $log[$_].status -eq 200 })[0]
        $puts.Count | Should -Be 2
        $puts[-1] | Should -BeLessThan $firstReadBack
    }
}
