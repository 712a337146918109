# Invoke-Pester's configuration for the Pester suites. Run on its own, from this folder, once KustoConnect is installed
# (build.ps1 test installs the package into out/installed and puts it on PSModulePath):
#     Invoke-Pester -Configuration (New-PesterConfiguration -Hashtable (Import-PowerShellDataFile ./PesterConfiguration.psd1))
@{
    Run        = @{ Path = '.'; Exit = $false }
    Output     = @{ Verbosity = 'Detailed' }
    TestResult = @{ Enabled = $true; OutputFormat = 'NUnitXml'; OutputPath = '../../out/test-results/pester.nunit.xml' }
    Should     = @{ ErrorAction = 'Stop' }
}
