#Requires -Version 7.0
# KustoConnect beside another module's Azure SDK (issue 10): Azure.Core 1.41.0 + Azure.Identity 1.12.1 + MSAL 4.65.0,
# and Azure.Core 1.64.0 + Azure.Identity 1.21.0 + MSAL 4.92.0 (tests/fixtures, restored from NuGet), loaded by a
# stand-in Az.Accounts before or after KustoConnect, each case in a fresh pwsh (Coexistence.Case.ps1). In every case
# KustoConnect creates (Get-AzIotHub | New-KustoIotHubConnection, signed in through Az.Accounts), lists and deletes a
# data connection against the emulator, and the other SDK still signs in afterwards.

BeforeDiscovery {
    $script:cases = foreach ($sdk in @(
            @{ Fixture = 'OtherAzureSdk141'; AzureCore = '1.41.0.0'; AzureIdentity = '1.12.1.0'; Msal = '4.65.0.0' }
            @{ Fixture = 'OtherAzureSdk164'; AzureCore = '1.64.0.0'; AzureIdentity = '1.21.0.0'; Msal = '4.92.0.0' })) {
        foreach ($order in 'TheirsFirst', 'OursFirst') { $sdk + @{ Order = $order } }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module KustoConnect -Force
    $script:emulator = Start-KustoEmulator -NoConnect -ErrorAction Stop -DataDirectory (Join-Path $TestDrive 'emulator') -OperationDurationSeconds 0.2
    $script:emulatorJson = @{
        Url = "$($emulator.Url)"; AuthorityHost = "$($emulator.Url)"; CertificatePath = $emulator.CertificatePath
        TenantId = $emulator.TenantId; SubscriptionId = $emulator.SubscriptionId
    } | ConvertTo-Json -Compress
    $script:standIns = Join-Path $PSScriptRoot 'StandIns'
}

AfterAll {
    if ($script:emulator) { Stop-KustoEmulator }
}

Describe 'Beside <Fixture> (Azure.Core <AzureCore>), loaded <Order>' -ForEach $script:cases {
    BeforeAll {
        $sdkFolder = Join-Path $env:KUSTOCONNECT_FIXTURES $Fixture
        if (-not (Test-Path -LiteralPath (Join-Path $sdkFolder 'StandIn.AzAccounts.dll'))) {
            throw "The fixture '$sdkFolder' is missing: build.ps1 test publishes tests/fixtures into out/fixtures."
        }
        $name = "coexist-$($Fixture.Substring($Fixture.Length - 3))-$Order".ToLowerInvariant()
        $output = Invoke-FreshPwsh -File (Join-Path $PSScriptRoot 'Coexistence.Case.ps1') -ArgumentList @('-Order', $Order, '-EmulatorJson', $emulatorJson, '-ConnectionName', $name) `
            -Environment @{ STANDIN_AZURE_SDK = $sdkFolder; PSModulePath = $standIns + [System.IO.Path]::PathSeparator + $env:PSModulePath }
        $last = @($output) | Where-Object { "$_" -match '^\{"Order"' } | Select-Object -Last 1
        if (-not $last) { throw "The case wrote no result line. Its output:$([Environment]::NewLine)$(@($output) -join [Environment]::NewLine)" }
        $script:result = $last | ConvertFrom-Json
        $script:name = $name
    }

    It 'runs to the end without an error' {
        $result.PSObject.Properties['Error'] | Should -BeNullOrEmpty -Because "the case wrote: $(@($output) -join [Environment]::NewLine)"
    }

    It 'creates the connection from Get-AzIotHub, signed in through Az.Accounts' {
        $result.Created | Should -Be $name
        $result.CredentialKind | Should -Be 'TokenProvider (Az.Accounts)'
    }

    It 'lists it, and no longer after deleting it' {
        $result.Listed | Should -Contain $name
        $result.ListedAfterRemove | Should -Not -Contain $name
    }

    It 'leaves the other SDK working at its own version' {
        $expected = "Azure.Core $AzureCore, Azure.Identity $AzureIdentity, Microsoft.Identity.Client $Msal"
        $result.Other_end | Should -Be $expected
        $result.PSObject.Properties[$Order -eq 'TheirsFirst' ? 'Other_before' : 'Other_after'].Value | Should -Be $expected
    }

    It 'keeps the engine and its Azure SDK in the KustoConnect load context, the other SDK in the default one' {
        $result.Assemblies | Should -Contain "Azure.Core $AzureCore [Default]"
        $result.Assemblies | Should -Contain 'Azure.Core 1.53.0.0 [KustoConnect]'
        $result.Assemblies | Should -Contain 'KustoConnect.Engine 0.1.0.0 [KustoConnect]'
        @($result.Assemblies | Where-Object { $_ -like 'KustoConnect *' }) | Should -Be @('KustoConnect 0.1.0.0 [Default]')
    }
}
