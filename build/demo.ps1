<#
.SYNOPSIS
    The walkthrough scenario, typed as a user would: start the emulator shipped with the module (Start-KustoEmulator
    -NoConnect), sign in as a service principal, create the IoT Hub data connection, list it, delete it, stop the
    emulator (Stop-KustoEmulator). build.ps1 demo runs this in a fresh pwsh.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    # How long each emulated long-running operation takes, so that the progress bar shows.
    [double] $OperationDurationSeconds = 3,
    # The emulator's demo service principal (Contributor on the subscription); published in its default world.
    [string] $ClientId = '5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978',
    [string] $ClientSecret = 'kc-emulator-demo-secret-7Qw9Zr2Lx5'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'Continue'
if ([Console]::IsOutputRedirected) {
    # A log, not a terminal: no colour codes, and tables as wide as they need to be.
    $PSStyle.OutputRendering = 'PlainText'
}

function Show-Object {
    param([Parameter(ValueFromPipeline)] $InputObject, [switch] $List)
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end {
        $formatted = if ($List) { $items | Format-List } else { $items | Format-Table -AutoSize }
        $formatted | Out-String -Width 160 | Write-Host
    }
}

function Show-Step([string] $Text) {
    Write-Host ''
    Write-Host "==> $Text" -ForegroundColor Cyan
}

Import-Module $ModuleManifest

Show-Step 'Start-KustoEmulator -NoConnect (the emulator shipped with the module, on a free loopback port)'
$emulator = Start-KustoEmulator -NoConnect -OperationDurationSeconds $OperationDurationSeconds
$emulator | Show-Object -List
$TenantId = $emulator.TenantId
$SubscriptionId = $emulator.SubscriptionId
$ArmEndpoint = $emulator.Url
$AuthorityHost = $emulator.Url
$CertificatePath = $emulator.CertificatePath
try {
    Show-Step 'Connect-KustoAccount -ServicePrincipal (tenant id, client id + secret as a PSCredential)'
    $secret = ConvertTo-SecureString $ClientSecret -AsPlainText -Force
    $credential = [pscredential]::new($ClientId, $secret)
    Connect-KustoAccount -ServicePrincipal -TenantId $TenantId -Credential $credential -SubscriptionId $SubscriptionId `
        -ArmEndpoint $ArmEndpoint -AuthorityHost $AuthorityHost -TrustedCertificatePath $CertificatePath | Show-Object -List

    $iotHubResourceId = "/subscriptions/$SubscriptionId/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/mykustoiothub"
    $connection = @{
        ResourceGroupName      = 'testrg'
        ClusterName            = 'mykustocluster'
        DatabaseName           = 'mykustodatabase'
        Name                   = 'myeventhubconnect'
        IotHubResourceId       = $iotHubResourceId
        SharedAccessPolicyName = 'iothubforread'
        ConsumerGroup          = '$Default'
        Location               = 'Central US'
        TableName              = 'StormEvents'
        MappingRuleName        = 'StormEvents_CSV_Mapping'
        DataFormat             = 'csv'
    }

    Show-Step "New-KustoIotHubConnection -Name myeventhubconnect (waits for the long-running operation)"
    $created = New-KustoIotHubConnection @connection
    $created | Show-Object
    if ($created.ProvisioningState -ne 'Succeeded') { throw "Expected provisioning state Succeeded, got '$($created.ProvisioningState)'." }

    Show-Step 'Get-KustoDataConnection (all data connections of mykustodatabase)'
    $listed = @(Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase)
    $listed | Show-Object
    if (-not ($listed | Where-Object Name -EQ 'myeventhubconnect')) { throw 'The new data connection is not listed.' }

    Show-Step 'Get-KustoDataConnection myeventhubconnect | Format-List (full detail)'
    Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name myeventhubconnect |
        Show-Object -List

    Show-Step 'Remove-KustoDataConnection -Force (waits for the delete)'
    Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name myeventhubconnect |
        Remove-KustoDataConnection -Force

    $left = @(Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase)
    if ($left | Where-Object Name -EQ 'myeventhubconnect') { throw 'The data connection is still there after Remove-KustoDataConnection.' }
    Write-Host "myeventhubconnect removed; $($left.Count) data connection(s) left in mykustodatabase." -ForegroundColor Green

    Disconnect-KustoAccount
}
finally {
    Show-Step 'Stop-KustoEmulator'
    Stop-KustoEmulator
}
Write-Host ''
Write-Host 'Demo finished.' -ForegroundColor Green
