using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KustoConnect.Emulator;

/// <summary>
/// What ARM refuses before a request reaches a resource provider: bodies over its request size limit (413) and ARM
/// bodies that are not JSON (415), both answered in ARM's error shape.
/// </summary>
internal static class RequestLimits
{
    /// <summary>
    /// ARM's request size limit: 4,194,304 bytes ("Resource Manager API request size", Azure subscription and service
    /// limits). The emulator applies it to every request, token and admin requests included.
    /// </summary>
    public const int MaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Reads the whole body into memory (so that handlers and the request log can both read it) and puts it back as the
    /// request's body. Answers 413 and returns null when it is over <see cref="MaxRequestBodyBytes"/>.
    /// </summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        if (request.ContentLength is > MaxRequestBodyBytes)
        {
            await TooLargeAsync(ctx).ConfigureAwait(false);
            return null;
        }

        if (request.ContentLength == 0 || (request.ContentLength is null && !CanHaveBody(ctx)))
        {
            return Array.Empty<byte>();
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ctx.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxRequestBodyBytes)
            {
                await TooLargeAsync(ctx).ConfigureAwait(false);
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        var body = buffer.ToArray();
        request.Body = new MemoryStream(body, writable: false);
        return body;
    }

    /// <summary>
    /// ARM takes JSON only: a body with another media type (or none) is refused with 415 UnsupportedMediaType.
    /// Returns false when it answered.
    /// </summary>
    public static async Task<bool> CheckJsonContentAsync(HttpContext ctx, byte[] body)
    {
        if (body.Length == 0)
        {
            return true;
        }

        var media = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        if (string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var shown = media.Length == 0 ? "(none)" : media.Length > 100 ? media[..100] + "…" : media;
        await Http.Error(ctx, 415, "UnsupportedMediaType",
            $"The content media type '{shown}' is not supported. Only 'application/json' is supported.").ConfigureAwait(false);
        return false;
    }

    /// <summary>Whether the request may carry a body without a Content-Length (chunked in HTTP/1.1, any HTTP/2 stream with data).</summary>
    private static bool CanHaveBody(HttpContext ctx) =>
        ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;

    private static Task TooLargeAsync(HttpContext ctx)
    {
        // The rest of the body is not read: the connection closes after the answer.
        ctx.Response.Headers.Connection = "close";
        return Http.Error(ctx, 413, "RequestEntityTooLarge",
            $"The request content length exceeds the limit of {MaxRequestBodyBytes} bytes.");
    }
}
