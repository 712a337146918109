#Requires -Version 7.0
# Start-KustoEmulator / Stop-KustoEmulator / Connect-KustoAccount -Emulator from the assembled module, which ships the
# emulator in its emulator/ folder, in a fresh pwsh as a user would run them.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module KustoConnect -Force
    $script:database = @{ ResourceGroupName = 'testrg'; ClusterName = 'mykustocluster'; DatabaseName = 'mykustodatabase' }
    $script:demoClientId = '5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978'
    $script:demoSecret = 'kc-emulator-demo-secret-7Qw9Zr2Lx5'
}

AfterAll {
    Stop-KustoEmulator
}

Describe 'Start-KustoEmulator, a data connection, Stop-KustoEmulator' {
    It 'starts the shipped emulator, signs in to it, creates a connection, then stops it and cleans up' {
        $emulator = Start-KustoEmulator -OperationDurationSeconds 0.2 -ErrorAction Stop
        try {
            $emulator.PSObject.TypeNames[0] | Should -Be 'KustoConnect.Models.KustoEmulator'
            ([uri] $emulator.Url).IsLoopback | Should -BeTrue
            ([uri] $emulator.Url).Scheme | Should -Be 'https'
            $emulator.CertificatePath | Should -Exist
            $emulator.ClientId | Should -Be $script:demoClientId
            Get-Process -Id $emulator.ProcessId | Should -Not -BeNullOrEmpty
            $emulator.PSObject.Properties.Name | Should -Not -Contain 'ClientSecret'

            $context = Get-KustoContext
            $context.ArmEndpoint | Should -Be $emulator.Url
            $context.SubscriptionId | Should -Be $emulator.SubscriptionId
            $context.Account | Should -Be $script:demoClientId

            $parameters = Get-WalkthroughParameter -Emulator $emulator -Name 'fromstart'
            $created = New-KustoIotHubConnection @parameters -ErrorAction Stop
            $created.ProvisioningState | Should -Be 'Succeeded'
            (Get-KustoDataConnection @script:database -Name fromstart).Name | Should -Be 'fromstart'
        }
        finally {
            Stop-KustoEmulator
        }

        Get-Process -Id $emulator.ProcessId -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $emulator.DataDirectory | Should -Not -Exist -Because 'the temporary data folder is removed'
        Get-KustoContext | Should -BeNullOrEmpty -Because 'the session was signed in to the emulator that stopped'
    }

    It 'refuses a second start in the same session and leaves the first one running' {
        $first = Start-KustoEmulator -NoConnect -ErrorAction Stop
        try {
            { Start-KustoEmulator -NoConnect -ErrorAction Stop } |
                Should -Throw -ErrorId 'EmulatorAlreadyRunning,KustoConnect.Commands.StartKustoEmulatorCommand'
            Get-Process -Id $first.ProcessId | Should -Not -BeNullOrEmpty
        }
        finally {
            Stop-KustoEmulator
        }
    }

    It 'does nothing when asked to stop with no emulator running' {
        { Stop-KustoEmulator -ErrorAction Stop } | Should -Not -Throw
    }

    It 'refuses a world file that does not exist' {
        { Start-KustoEmulator -WorldFile (Join-Path $TestDrive 'missing.json') -ErrorAction Stop } |
            Should -Throw -ErrorId 'WorldFileNotFound,KustoConnect.Commands.StartKustoEmulatorCommand'
    }
}

Describe 'Connect-KustoAccount -Emulator' {
    It 'says so when no emulator was started in this session' {
        { Connect-KustoAccount -Emulator -ErrorAction Stop } |
            Should -Throw -ErrorId 'NoEmulatorStarted,KustoConnect.Commands.ConnectKustoAccountCommand'
    }

    Context 'an emulator started with -NoConnect on a data folder' {
        BeforeAll {
            $script:dataDirectory = Join-Path $TestDrive 'emulator-data'
            $script:emulator = Start-KustoEmulator -DataDirectory $script:dataDirectory -OperationDurationSeconds 0 -NoConnect -ErrorAction Stop
        }

        AfterAll {
            Stop-KustoEmulator
        }

        It 'left the session signed out' {
            Get-KustoContext | Should -BeNullOrEmpty
        }

        It 'signs the session in to the emulator of this session' {
            $context = Connect-KustoAccount -Emulator -ErrorAction Stop
            $context.ArmEndpoint | Should -Be $script:emulator.Url
            $context.Account | Should -Be $script:demoClientId
            @(Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster).Name | Should -Contain 'mykustodatabase'
        }

        It 'writes a connection file to the data folder that holds no secret' {
            $file = Join-Path $script:dataDirectory 'emulator.json'
            $file | Should -Exist
            $text = Get-Content -LiteralPath $file -Raw
            $text | Should -Not -Match ([regex]::Escape($script:demoSecret))
            ($text | ConvertFrom-Json).url | Should -Be $script:emulator.Url
        }

        It 'signs another runspace in through the data folder alone' {
            $job = Start-ThreadJob -ArgumentList 'KustoConnect', $script:dataDirectory -ScriptBlock {
                param($moduleName, $folder)
                Import-Module $moduleName
                $context = Connect-KustoAccount -Emulator -DataDirectory $folder -ErrorAction Stop
                [pscustomobject]@{ Endpoint = [string] $context.ArmEndpoint; Databases = @(Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster).Name }
            }
            $result = $job | Wait-Job -Timeout 60 | Receive-Job -ErrorAction Stop
            $job | Remove-Job -Force
            $result.Endpoint | Should -Be $script:emulator.Url
            $result.Databases | Should -Contain 'mykustodatabase'
        }

        It 'refuses -ArmEndpoint together with -Emulator' {
            { Connect-KustoAccount -Emulator -ArmEndpoint 'https://127.0.0.1:1/' -ErrorAction Stop } |
                Should -Throw -ErrorId 'EmulatorParameterConflict,KustoConnect.Commands.ConnectKustoAccountCommand'
        }
    }

    It 'names a data folder whose emulator is not running' {
        $folder = Join-Path $TestDrive 'never-started'
        $null = New-Item -ItemType Directory -Path $folder
        { Connect-KustoAccount -Emulator -DataDirectory $folder -ErrorAction Stop } |
            Should -Throw -ErrorId 'EmulatorConnectionFileNotFound,KustoConnect.Commands.ConnectKustoAccountCommand'
    }
}

Describe 'An emulator data folder kept between runs' {
    It 'holds the data connections across a stop and a new start, and the folder is kept' {
        $folder = Join-Path $TestDrive 'kept'
        $first = Start-KustoEmulator -DataDirectory $folder -OperationDurationSeconds 0 -ErrorAction Stop
        try {
            $parameters = Get-WalkthroughParameter -Emulator $first -Name 'kept'
            New-KustoIotHubConnection @parameters -ErrorAction Stop | Out-Null
        }
        finally {
            Stop-KustoEmulator
        }
        $folder | Should -Exist

        $second = Start-KustoEmulator -DataDirectory $folder -OperationDurationSeconds 0 -ErrorAction Stop
        try {
            $second.ProcessId | Should -Not -Be $first.ProcessId
            (Get-KustoDataConnection @script:database -Name kept -ErrorAction Stop).ProvisioningState | Should -Be 'Succeeded'
        }
        finally {
            Stop-KustoEmulator
        }
    }
}
