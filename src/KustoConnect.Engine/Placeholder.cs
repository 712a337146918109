namespace KustoConnect.Engine
{
    internal static class Placeholder { }
}
