@{
    RootModule           = 'KustoConnect.dll'
    # Filled in by build.ps1 from <Version> in Directory.Build.props, the one version source.
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
            ProjectUri = ''
        }
    }
}
