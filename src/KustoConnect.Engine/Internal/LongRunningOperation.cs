using System;

namespace KustoConnect.Engine.Internal
{
    /// <summary>The HTTP method that started a long-running operation: it decides where the result is read.</summary>
    internal enum LongRunningMethod
    {
        /// <summary>Create or replace: the result is the resource (final state via the original URI).</summary>
        Put,

        /// <summary>Delete: the operation's own end is the result (final state via Azure-AsyncOperation).</summary>
        Delete,

        /// <summary>An action (dataConnectionValidation): the result is read from the Location URL.</summary>
        Post,
    }

    /// <summary>What is needed to follow one long-running operation: enough to resume it in another session.</summary>
    internal sealed class LongRunningOperation
    {
        internal LongRunningOperation(LongRunningMethod method, string? statusUrl, string? locationUrl, Uri? resourceUrl, string? resourceId, bool isCreate)
        {
            Method = method;
            StatusUrl = statusUrl;
            LocationUrl = locationUrl;
            ResourceUrl = resourceUrl;
            ResourceId = resourceId;
            IsCreate = isCreate;
        }

        internal LongRunningMethod Method { get; }

        /// <summary>The Azure-AsyncOperation URL (raw, as ARM sent it).</summary>
        internal string? StatusUrl { get; }

        /// <summary>The Location URL (raw, as ARM sent it).</summary>
        internal string? LocationUrl { get; }

        /// <summary>The resource's request URL (with api-version): read at the end of a PUT.</summary>
        internal Uri? ResourceUrl { get; }

        /// <summary>The resource id, for the resume command (null for a delete or a validation).</summary>
        internal string? ResourceId { get; }

        /// <summary>True when the PUT created the resource (201): a failure then says how to retry.</summary>
        internal bool IsCreate { get; }

        /// <summary>The URL a resume command polls: the Azure-AsyncOperation URL, else Location, else the resource's.</summary>
        internal string ResumeUrl => StatusUrl ?? LocationUrl ?? ResourceUrl?.AbsoluteUri ?? string.Empty;
    }
}
