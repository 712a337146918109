namespace KustoConnect
{
    internal static class Placeholder { }
}
