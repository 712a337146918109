using System;
using System.Runtime.InteropServices;
using System.Security;

namespace KustoConnect.Engine.Internal
{
    internal static class SecureStrings
    {
        /// <summary>A read-only SecureString holding <paramref name="value"/>.</summary>
        internal static SecureString FromPlainText(string value)
        {
            var secure = new SecureString();
            foreach (var c in value)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        internal static string ToPlainText(SecureString value)
        {
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(value);
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                if (pointer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }
            }
        }
    }
}
