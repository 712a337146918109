# Helpers shared by the Pester suites: the emulator's admin API (request log), over HTTPS that trusts exactly the
# emulator's certificate (a custom trust store, no validation callback, nothing turned off).

# Run on its own (Invoke-Pester with PesterConfiguration.psd1 after build.ps1 package/test), the suites find what
# build.ps1 test would give them: the installed module in out/installed (whose Start-KustoEmulator starts their
# emulator) and the coexistence fixtures in out/fixtures.
$script:RepoRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
$script:InstalledModules = Join-Path $script:RepoRoot 'out/installed'
if ((Test-Path -LiteralPath $script:InstalledModules) -and ($env:PSModulePath -split [System.IO.Path]::PathSeparator) -notcontains $script:InstalledModules) {
    $env:PSModulePath = $script:InstalledModules + [System.IO.Path]::PathSeparator + $env:PSModulePath
}
if (-not $env:KUSTOCONNECT_FIXTURES) { $env:KUSTOCONNECT_FIXTURES = Join-Path $script:RepoRoot 'out/fixtures' }
if (-not $env:KUSTOCONNECT_MODULE_MANIFEST) {
    # The installed module's manifest, for the tests that import it by path in a child pwsh (build.ps1 test sets it too).
    $installedManifest = Get-ChildItem -Path (Join-Path $script:InstalledModules 'KustoConnect/*/KustoConnect.psd1') -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($installedManifest) { $env:KUSTOCONNECT_MODULE_MANIFEST = $installedManifest.FullName }
}

function Read-ModuleManifest {
    <# The manifest's data as PowerShell reads it (its RootModule depends on $PSEdition, which Import-PowerShellDataFile refuses). #>
    param([Parameter(Mandatory)] [string] $Path)
    $script = [scriptblock]::Create((Get-Content -Raw -LiteralPath $Path))
    $script.CheckRestrictedLanguage([string[]] @(), [string[]] @('PSEdition', 'PSScriptRoot'), $true)
    & $script
}

function Invoke-FreshPwsh {
    <# Runs a script in a new `pwsh -NoProfile -NonInteractive` (the PowerShell running these tests), with extra environment variables; returns its output lines. #>
    param([Parameter(Mandatory)] [string] $File, [string[]] $ArgumentList = @(), [hashtable] $Environment = @{})
    $self = [Environment]::ProcessPath
    $prefix = @(if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $saved = @{}
    foreach ($key in $Environment.Keys) { $saved[$key] = [Environment]::GetEnvironmentVariable($key); [Environment]::SetEnvironmentVariable($key, $Environment[$key]) }
    try { & $self @prefix -NoProfile -NonInteractive -File $File @ArgumentList 2>&1 | ForEach-Object { "$_" } }
    finally { foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) } }
}

$script:DemoPrincipal = @{
    ClientId     = '5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978'
    ClientSecret = 'kc-emulator-demo-secret-7Qw9Zr2Lx5'
}

function New-PinnedHttpClient {
    param([Parameter(Mandatory)] [string] $CertificatePath)
    $certificate = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content -Raw -LiteralPath $CertificatePath))
    $policy = [System.Security.Cryptography.X509Certificates.X509ChainPolicy]::new()
    $policy.TrustMode = [System.Security.Cryptography.X509Certificates.X509ChainTrustMode]::CustomRootTrust
    $policy.RevocationMode = [System.Security.Cryptography.X509Certificates.X509RevocationMode]::NoCheck
    [void] $policy.CustomTrustStore.Add($certificate)
    $ssl = [System.Net.Security.SslClientAuthenticationOptions]::new()
    $ssl.CertificateChainPolicy = $policy
    $handler = [System.Net.Http.SocketsHttpHandler]::new()
    $handler.SslOptions = $ssl
    [System.Net.Http.HttpClient]::new($handler)
}

function Connect-TestEmulator {
    <# Signs the session in as the emulator's demo service principal. #>
    param([Parameter(Mandatory)] $Emulator, [string] $ClientSecret = $script:DemoPrincipal.ClientSecret)
    $credential = [pscredential]::new($script:DemoPrincipal.ClientId, (ConvertTo-SecureString $ClientSecret -AsPlainText -Force))
    Connect-KustoAccount -ServicePrincipal -TenantId $Emulator.TenantId -Credential $credential `
        -SubscriptionId $Emulator.SubscriptionId -ArmEndpoint $Emulator.Url -AuthorityHost $Emulator.Url `
        -TrustedCertificatePath $Emulator.CertificatePath
}

function Get-EmulatorRequest {
    <# The emulator's request log (method, path, status), optionally only data-connection requests of one method. #>
    param([Parameter(Mandatory)] $Emulator, [string] $Method, [switch] $DataConnectionsOnly)
    $client = New-PinnedHttpClient -CertificatePath $Emulator.CertificatePath
    try {
        $json = $client.GetStringAsync([uri]::new([uri] $Emulator.Url, '_emulator/requests')).GetAwaiter().GetResult()
    }
    finally { $client.Dispose() }
    $entries = @($json | ConvertFrom-Json)
    if ($entries.Count -eq 1 -and $entries[0].PSObject.Properties['value']) { $entries = @($entries[0].value) }
    $entries | Where-Object {
        (-not $DataConnectionsOnly -or $_.path -match '/dataConnections') -and (-not $Method -or $_.method -eq $Method)
    }
}

function Clear-EmulatorRequest {
    param([Parameter(Mandatory)] $Emulator)
    $client = New-PinnedHttpClient -CertificatePath $Emulator.CertificatePath
    try {
        $response = $client.DeleteAsync([uri]::new([uri] $Emulator.Url, '_emulator/requests')).GetAwaiter().GetResult()
        [void] $response.EnsureSuccessStatusCode()
    }
    finally { $client.Dispose() }
}

function Get-WalkthroughParameter {
    <# The walkthrough's New-KustoIotHubConnection parameters. #>
    param([Parameter(Mandatory)] $Emulator, [string] $Name = 'myeventhubconnect')
    @{
        ResourceGroupName      = 'testrg'
        ClusterName            = 'mykustocluster'
        DatabaseName           = 'mykustodatabase'
        Name                   = $Name
        IotHubResourceId       = "/subscriptions/$($Emulator.SubscriptionId)/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/mykustoiothub"
        SharedAccessPolicyName = 'iothubforread'
        ConsumerGroup          = '$Default'
        Location               = 'Central US'
        TableName              = 'StormEvents'
        MappingRuleName        = 'StormEvents_CSV_Mapping'
        DataFormat             = 'csv'
    }
}

Export-ModuleMember -Function Invoke-FreshPwsh, Read-ModuleManifest, New-PinnedHttpClient, Connect-TestEmulator, Get-EmulatorRequest, Clear-EmulatorRequest, Get-WalkthroughParameter
