using System;
using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>How engine exceptions become ErrorRecords: ARM's words in ErrorDetails, advice in RecommendedAction.</summary>
    public sealed class ErrorRecordTests
    {
        [Fact]
        public void An_unexpected_exception_is_kept_as_it_is_with_its_stack_trace()
        {
            Exception thrown;
            try
            {
                throw new FormatException("something nobody planned for");
            }
            catch (FormatException e)
            {
                thrown = e;
            }

            var record = KustoCmdlet.ToErrorRecord(thrown, "target");

            Assert.Equal("UnexpectedError", record.FullyQualifiedErrorId);
            Assert.Same(thrown, record.Exception);
            Assert.Contains(nameof(An_unexpected_exception_is_kept_as_it_is_with_its_stack_trace), record.Exception.StackTrace, StringComparison.Ordinal);
            Assert.Equal("System.FormatException: something nobody planned for", record.ErrorDetails.Message);
        }

        [Theory]
        [InlineData("ConsumerGroupInUse", "ConsumerGroupInUse", ErrorCategory.ResourceBusy)]
        [InlineData("ConsumerGroupNotFound", "ConsumerGroupNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData("TableNotFound", "TableNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData("MappingNotFound", "MappingNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData("SharedAccessPolicyNotFound", "SharedAccessPolicyNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData("ResourceNotFound", "ResourceNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData("AuthorizationFailed", "AuthorizationFailed", ErrorCategory.PermissionDenied)]
        [InlineData("TooManyRequests", "OperationThrottled", ErrorCategory.LimitsExceeded)]
        [InlineData("QuotaExceeded", "OperationFailed", ErrorCategory.InvalidResult)]
        public void A_failed_operation_gets_the_id_and_category_of_its_ARM_code_and_keeps_code_message_and_correlation_id(string code, string id, ErrorCategory category)
        {
            var failed = new KustoOperationFailedException("It failed.", code, "https://arm/op", "11111111-2222-3333-4444-555555555555");

            var record = KustoCmdlet.ToErrorRecord(failed, null);

            Assert.Equal(id, record.FullyQualifiedErrorId);
            Assert.Equal(category, record.CategoryInfo.Category);
            Assert.Equal("It failed. (Code: " + code + ", CorrelationId: 11111111-2222-3333-4444-555555555555)", record.ErrorDetails.Message);
        }

        [Fact]
        public void An_ARM_error_keeps_its_own_id_and_says_what_ARM_said_in_ErrorDetails()
        {
            var arm = new KustoArmException("The client does not have authorization.", 403, "AuthorizationFailed", "c0ffee00-0000-0000-0000-000000000000", "r1");

            var record = KustoCmdlet.ToErrorRecord(arm, null);

            Assert.Equal("ArmAuthorizationFailed", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.PermissionDenied, record.CategoryInfo.Category);
            Assert.Contains("Code: AuthorizationFailed", record.ErrorDetails.Message, StringComparison.Ordinal);
            Assert.Contains("CorrelationId: c0ffee00-0000-0000-0000-000000000000", record.ErrorDetails.Message, StringComparison.Ordinal);
        }
    }
}
