@{
    RootModule        = 'Az.Accounts.psm1'
    ModuleVersion     = '9.9.9'
    GUID              = '7a0c3a1e-5b3f-4f0d-9f5e-3c1f2b8d9e01'
    Author            = 'KustoConnect tests'
    Description       = 'Test stand-in for Az.Accounts (coexistence suite): loads another Azure SDK and signs in with it.'
    FunctionsToExport = @('Connect-AzAccount', 'Get-AzContext', 'Get-AzAccessToken', 'Get-StandInSdkVersion')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
