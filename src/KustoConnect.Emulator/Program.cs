namespace KustoConnect.Emulator;

internal static class Program
{
    private static void Main() { }
}
