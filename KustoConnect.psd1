@{
    # PowerShell 7.4+ loads the net8.0 cmdlets (the engine and the Azure SDK in their own load context, from
    # dependencies/); Windows PowerShell 5.1 the net472 build in desktop/. See docs/loading.md.
    RootModule           = if ($PSEdition -eq 'Core') { 'KustoConnect.dll' } else { 'desktop/KustoConnect.dll' }
    # `dotnet publish` (build/Module.targets) writes <Version> of Directory.Build.props, the one version source, here.
    ModuleVersion        = '0.0.0'
    GUID                 = 'c6a4f3a2-0d1e-4b7a-9f35-2e8d5c1b7a64'
    Author               = 'KustoConnect contributors'
    CompanyName          = 'KustoConnect'
    Copyright            = '(c) KustoConnect contributors.'
    Description          = 'Create, list, update, validate and remove Azure Data Explorer (Kusto) data connections through Azure Resource Manager, with a local emulator for offline runbooks and tests.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('KustoConnect.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-KustoAccount'
        'Disconnect-KustoAccount'
        'Get-KustoContext'
        'Set-KustoContext'
        'New-KustoIotHubConnection'
        'New-KustoEventHubConnection'
        'New-KustoEventGridConnection'
        'New-KustoCosmosDbConnection'
        'Get-KustoDataConnection'
        'Update-KustoDataConnection'
        'Remove-KustoDataConnection'
        'Export-KustoDataConnection'
        'Sync-KustoDataConnection'
        'Wait-KustoOperation'
        'Get-KustoCluster'
        'Get-KustoDatabase'
        'Test-KustoDataConnectionName'
        'Test-KustoDataConnection'
        'Start-KustoEmulator'
        'Stop-KustoEmulator'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Azure', 'AzureDataExplorer', 'Kusto', 'IoTHub', 'EventHub', 'DataConnection', 'ARM')
            ProjectUri   = 'https://github.com/kustoconnect/KustoConnect'
            LicenseUri   = 'https://github.com/kustoconnect/KustoConnect/blob/main/LICENSE'
            ReleaseNotes = 'First release: create, list, update, validate and remove IoT Hub, Event Hub, Event Grid and Cosmos DB data connections through ARM; sign-in as a service principal, managed identity, device code or through Az.Accounts; -AsJob, -NoWait and Wait-KustoOperation; a local emulator of ARM and Entra ID (Start-KustoEmulator). Runs beside other modules'' Azure SDKs on PowerShell 7.4+ and Windows PowerShell 5.1.'
        }
    }
}
