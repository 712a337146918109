#Requires -Version 7.0
# Sign-in as runbooks and people do it, in a fresh pwsh against the emulator process, and what must never be written:
# the client secret or an issued token, in any stream or transcript.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module KustoConnect -Force
    $script:emulator = Start-KustoEmulator -NoConnect -ErrorAction Stop -DataDirectory (Join-Path $TestDrive 'emulator') -OperationDurationSeconds 0.2
    $script:database = @{ ResourceGroupName = 'testrg'; ClusterName = 'mykustocluster'; DatabaseName = 'mykustodatabase' }
    $script:endpoints = @{
        SubscriptionId         = $script:emulator.SubscriptionId
        ArmEndpoint            = $script:emulator.Url
        AuthorityHost          = $script:emulator.Url
        TrustedCertificatePath = $script:emulator.CertificatePath
    }
    # The emulator's well-known identities (its default world).
    $script:identityHeader = 'kc-emulator-identity-header-5Tg2'
    $script:demoSecret = 'kc-emulator-demo-secret-7Qw9Zr2Lx5'
    $script:variables = 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET',
        'AZURE_AUTHORITY_HOST', 'KUSTOCONNECT_ARM_ENDPOINT', 'KUSTOCONNECT_TRUSTED_CERTIFICATE_PATH'
}

AfterAll {
    if ($script:emulator) { Stop-KustoEmulator }
}

Describe 'Connect-KustoAccount, each way a runbook signs in' {
    AfterEach {
        Disconnect-KustoAccount
        foreach ($name in $script:variables) { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    It 'signs in with the managed identity of an Automation account (IDENTITY_ENDPOINT and IDENTITY_HEADER)' {
        $env:IDENTITY_ENDPOINT = [uri]::new([uri] $script:emulator.Url, 'msi/token').AbsoluteUri
        $env:IDENTITY_HEADER = $script:identityHeader
        $context = Connect-KustoAccount -Identity @script:endpoints -ErrorAction Stop
        $context.CredentialKind | Should -Be 'ManagedIdentity'
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'by-managed-identity'
        (New-KustoIotHubConnection @parameters -ErrorAction Stop).ProvisioningState | Should -Be 'Succeeded'
        Remove-KustoDataConnection @script:database -Name 'by-managed-identity' -Force
    }

    It 'signs in from the AZURE_* environment variables' {
        $env:AZURE_TENANT_ID = $script:emulator.TenantId
        $env:AZURE_CLIENT_ID = '5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978'
        $env:AZURE_CLIENT_SECRET = $script:demoSecret
        $context = Connect-KustoAccount -EnvironmentVariables @script:endpoints -ErrorAction Stop
        $context.CredentialKind | Should -Be 'EnvironmentVariables'
        { Get-KustoDataConnection @script:database -ErrorAction Stop } | Should -Not -Throw
    }

    It 'signs a person in with a device code, showing the message as Write-Host text even with warnings silenced' {
        $client = New-PinnedHttpClient -CertificatePath $script:emulator.CertificatePath
        $settings = [uri]::new([uri] $script:emulator.Url, '_emulator/settings')
        try {
            $on = [System.Net.Http.StringContent]::new('{"autoApproveDeviceCodes":true}', [System.Text.Encoding]::UTF8, 'application/json')
            [void] $client.PostAsync($settings, $on).GetAwaiter().GetResult().EnsureSuccessStatusCode()
            $context = Connect-KustoAccount -UseDeviceAuthentication @script:endpoints -InformationVariable shown -WarningAction SilentlyContinue -ErrorAction Stop 6>$null
            $context.Account | Should -Be 'kustoadmin@contoso.example'
            $context.CredentialKind | Should -Be 'DeviceCode'
            $shown.Count | Should -Be 1
            $shown[0].Tags | Should -Contain 'PSHOST'
            $shown[0].MessageData.Message | Should -Match '^To sign in, use a web browser to open the page https://\S+ and enter the code \S+ to authenticate\.$'
            { Get-KustoDataConnection @script:database -ErrorAction Stop } | Should -Not -Throw
        }
        finally {
            $off = [System.Net.Http.StringContent]::new('{"autoApproveDeviceCodes":false}', [System.Text.Encoding]::UTF8, 'application/json')
            [void] $client.PostAsync($settings, $off).GetAwaiter().GetResult()
            $client.Dispose()
        }
    }

    It 'refuses a principal with Reader rights on a write, as PermissionDenied' {
        $reader = [pscredential]::new('9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d', (ConvertTo-SecureString 'kc-emulator-reader-secret-3Hn8Vb1Kp4' -AsPlainText -Force))
        Connect-KustoAccount -ServicePrincipal -TenantId $script:emulator.TenantId -Credential $reader @script:endpoints -ErrorAction Stop | Out-Null
        $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'by-reader'
        New-KustoIotHubConnection @parameters -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
    }
}

Describe 'A sign-in asks Entra ID once: the first ARM call reuses its token' {
    # Connect-KustoAccount asks for exactly the token the ARM pipeline asks for (same scope, CAE enabled), so the
    # first command finds it in the credential's cache: one token request, then the command's own request.
    AfterEach {
        Disconnect-KustoAccount
        foreach ($name in $script:variables) { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    It 'makes one token request for <Way> before the first list' -ForEach @(
        @{ Way = 'a service principal with a secret' }
        @{ Way = 'the AZURE_* environment variables' }
        @{ Way = 'a managed identity' }
    ) {
        Clear-EmulatorRequest -Emulator $script:emulator
        switch ($Way) {
            'a service principal with a secret' { $null = Connect-TestEmulator -Emulator $script:emulator }
            'the AZURE_* environment variables' {
                $env:AZURE_TENANT_ID = $script:emulator.TenantId
                $env:AZURE_CLIENT_ID = '5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978'
                $env:AZURE_CLIENT_SECRET = $script:demoSecret
                $null = Connect-KustoAccount -EnvironmentVariables @script:endpoints -ErrorAction Stop
            }
            'a managed identity' {
                $env:IDENTITY_ENDPOINT = [uri]::new([uri] $script:emulator.Url, 'msi/token').AbsoluteUri
                $env:IDENTITY_HEADER = $script:identityHeader
                $null = Connect-KustoAccount -Identity @script:endpoints -ErrorAction Stop
            }
        }
        $null = Get-KustoDataConnection @script:database -ErrorAction Stop
        $null = Get-KustoDataConnection @script:database -ErrorAction Stop
        $requests = @(Get-EmulatorRequest -Emulator $script:emulator)
        $tokens = @($requests | Where-Object { $_.path -match '/oauth2/v2\.0/token$|^/msi/token' })
        $tokens.Count | Should -Be 1 -Because ($requests | ForEach-Object { "$($_.method) $($_.path)" } | Out-String)
        $lists = @($requests | Where-Object { $_.method -eq 'GET' -and $_.path -match '/dataConnections(\?|$)' })
        $lists.Count | Should -Be 2
        [array]::IndexOf($requests, $tokens[0]) | Should -BeLessThan ([array]::IndexOf($requests, $lists[0]))
    }
}

Describe 'Secrets never reach an output stream or a transcript' {
    AfterEach {
        Disconnect-KustoAccount
        foreach ($name in $script:variables) { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    It 'keeps the client secret and every issued token out of -Verbose -Debug output, an -AsJob job''s streams, a device-code sign-in, errors, the context and the transcript' {
        $transcript = Join-Path $TestDrive 'transcript.txt'
        $credential = [pscredential]::new('5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978', (ConvertTo-SecureString $script:demoSecret -AsPlainText -Force))
        $client = New-PinnedHttpClient -CertificatePath $script:emulator.CertificatePath
        $settings = [uri]::new([uri] $script:emulator.Url, '_emulator/settings')
        Start-Transcript -LiteralPath $transcript -Force | Out-Null
        try {
            $all = & {
                Connect-KustoAccount -ServicePrincipal -TenantId $script:emulator.TenantId -Credential $credential @script:endpoints -Verbose -Debug
                $parameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'secret-check'
                New-KustoIotHubConnection @parameters -Verbose -Debug
                Get-KustoDataConnection @script:database -Name 'no-such-connection' -Verbose -Debug -ErrorAction Continue
                Remove-KustoDataConnection @script:database -Name 'secret-check' -Force -Verbose -Debug
                # The same in a background job: every stream of the job is received and kept.
                $jobParameters = Get-WalkthroughParameter -Emulator $script:emulator -Name 'secret-job'
                $job = New-KustoIotHubConnection @jobParameters -AsJob -Verbose -Debug
                $null = Wait-Job $job
                Receive-Job $job -Keep -Verbose -Debug
                $job.Debug; $job.Verbose; $job.Information; $job.Warning; $job.Error
                Remove-KustoDataConnection @script:database -Name 'secret-job' -Force -Verbose -Debug
                # A person with a device code (the emulator approves it at once).
                $on = [System.Net.Http.StringContent]::new('{"autoApproveDeviceCodes":true}', [System.Text.Encoding]::UTF8, 'application/json')
                [void] $client.PostAsync($settings, $on).GetAwaiter().GetResult().EnsureSuccessStatusCode()
                Connect-KustoAccount -UseDeviceAuthentication @script:endpoints -Verbose -Debug
                Get-KustoDataConnection @script:database -Verbose -Debug
                Get-KustoContext | ConvertTo-Json -Depth 10
                $wrong = [pscredential]::new('5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978', (ConvertTo-SecureString 'not-the-secret-but-also-private' -AsPlainText -Force))
                try { Connect-KustoAccount -ServicePrincipal -TenantId $script:emulator.TenantId -Credential $wrong @script:endpoints -Verbose -Debug } catch { $_ }
                Get-KustoContext | ConvertTo-Json -Depth 10
            } *>&1 | Out-String -Width 400
        }
        finally {
            Stop-Transcript | Out-Null
            $off = [System.Net.Http.StringContent]::new('{"autoApproveDeviceCodes":false}', [System.Text.Encoding]::UTF8, 'application/json')
            [void] $client.PostAsync($settings, $off).GetAwaiter().GetResult()
            $client.Dispose()
        }

        $text = $all + (Get-Content -Raw -LiteralPath $transcript) + ($Error | Format-List * -Force | Out-String -Width 400)
        $text | Should -Match 'Connect-KustoAccount|Requesting a token'   # the transcript really holds the session
        $text | Should -Match 'HTTP POST \S+/oauth2/v2\.0/token -> 200 in \d+ ms'   # -Debug showed the token requests
        $text | Should -Match 'HTTP PUT \S+/dataConnections/secret-job\?api-version=\S+ -> 20[01] in \d+ ms'   # and the job's ARM requests
        $text | Should -Match 'enter the code'   # the device-code sign-in ran
        $text | Should -Not -Match ([regex]::Escape($script:demoSecret))
        $text | Should -Not -Match 'not-the-secret-but-also-private'
        $text | Should -Not -Match 'eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}'   # no JWT, i.e. no issued token
        # The debug records carry headers and bodies, with the credentials in them redacted.
        $text | Should -Match 'Authorization: REDACTED'
        $text | Should -Match 'client_secret=REDACTED'
        $text | Should -Match '"access_token":"REDACTED"'
    }

    It 'writes -Debug records in a fresh pwsh -NonInteractive without prompting, and no secret in them' {
        $child = @'
param($Manifest, $ClientSecret, $TenantId, $Arm, $Authority, $Certificate, $Subscription)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$credential = [pscredential]::new('5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978', (ConvertTo-SecureString $ClientSecret -AsPlainText -Force))
Connect-KustoAccount -ServicePrincipal -TenantId $TenantId -Credential $credential -SubscriptionId $Subscription -ArmEndpoint $Arm -AuthorityHost $Authority -TrustedCertificatePath $Certificate -Debug 5>&1 | Out-String -Width 400
Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Debug 5>&1 | Out-String -Width 400
'DONE'
'@
        $file = Join-Path $TestDrive 'child-debug.ps1'
        Set-Content -LiteralPath $file -Value $child
        # The same PowerShell as this run (Invoke-FreshPwsh), the module imported by path as installed.
        $output = Invoke-FreshPwsh -File $file -ArgumentList @('-Manifest', $env:KUSTOCONNECT_MODULE_MANIFEST, '-ClientSecret', $script:demoSecret,
            '-TenantId', $script:emulator.TenantId, '-Arm', $script:emulator.Url, '-Authority', $script:emulator.Url,
            '-Certificate', $script:emulator.CertificatePath, '-Subscription', $script:emulator.SubscriptionId) | Out-String -Width 400
        $LASTEXITCODE | Should -Be 0 -Because $output
        $output | Should -Not -Match 'NonInteractive mode'
        $output | Should -Match 'DONE'
        $output | Should -Match 'HTTP POST \S+/oauth2/v2\.0/token -> 200 in \d+ ms'
        $output | Should -Match 'HTTP GET \S+/dataConnections\?api-version=\S+ -> 200 in \d+ ms'
        $output | Should -Match 'client_secret=REDACTED'
        $output | Should -Not -Match ([regex]::Escape($script:demoSecret))
        $output | Should -Not -Match 'eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}'
        $output | Should -Not -Match 'warm-up'   # the import's in-memory warm-up writes no record
    }

    It 'warms the first sign-in and call up in memory when imported: the warm-up sends the emulator nothing, the real sign-in and list one request each' {
        $child = @'
param($Manifest, $ClientSecret, $TenantId, $Arm, $Authority, $Certificate, $Subscription)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
# The warm-up is internal to the engine, in KustoConnect's own load context: read its state by reflection.
$engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'KustoConnect.Engine' }
$type = $engine.GetType('KustoConnect.Engine.Internal.ColdStartWarmUp', $true)
$flags = [System.Reflection.BindingFlags]'Static, NonPublic'
$done = $type.GetProperty('Completion', $flags).GetValue($null).Wait([timespan]::FromMinutes(2))
'WARMUP done={0} applies={1} completed={2} failure={3} context={4}' -f $done, $type.GetProperty('Applies', $flags).GetValue($null),
    $type.GetProperty('Completed', $flags).GetValue($null), $type.GetProperty('Failure', $flags).GetValue($null),
    [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name
$credential = [pscredential]::new('5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978', (ConvertTo-SecureString $ClientSecret -AsPlainText -Force))
$null = Connect-KustoAccount -ServicePrincipal -TenantId $TenantId -Credential $credential -SubscriptionId $Subscription -ArmEndpoint $Arm -AuthorityHost $Authority -TrustedCertificatePath $Certificate
'LISTED {0}' -f @(Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase).Count
'@
        $file = Join-Path $TestDrive 'child-warm-up.ps1'
        Set-Content -LiteralPath $file -Value $child
        Clear-EmulatorRequest -Emulator $script:emulator
        $output = Invoke-FreshPwsh -File $file -ArgumentList @('-Manifest', $env:KUSTOCONNECT_MODULE_MANIFEST, '-ClientSecret', $script:demoSecret,
            '-TenantId', $script:emulator.TenantId, '-Arm', $script:emulator.Url, '-Authority', $script:emulator.Url,
            '-Certificate', $script:emulator.CertificatePath, '-Subscription', $script:emulator.SubscriptionId) | Out-String -Width 400
        $LASTEXITCODE | Should -Be 0 -Because $output
        $applies = [Environment]::ProcessorCount -gt 1
        # Both flows ran to the end (one token answered in memory, one data connection listed), without an exception.
        $output | Should -Match ("WARMUP done=True applies={0} completed={1} failure= context=KustoConnect" -f $applies, $(if ($applies) { 2 } else { 0 }))
        $output | Should -Match 'LISTED \d+'
        # What reached the emulator is the real sign-in's one token request and the one list, nothing of the warm-up.
        $requests = @(Get-EmulatorRequest -Emulator $script:emulator)
        ($requests | ForEach-Object { '{0} {1}' -f $_.method, ($_.path -replace '\?.*$') }) -join "`n" | Should -Match '^POST /[^/]+/oauth2/v2\.0/token\nGET /subscriptions/.+/dataConnections$'
    }
}
