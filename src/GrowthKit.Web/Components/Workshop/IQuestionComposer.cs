using System.Text.Json.Nodes;

namespace GrowthKit.Web.Components.Workshop;

/// <summary>
/// The answer box of one kind of workshop question. The page keeps the flow (send, skip, change an
/// earlier answer); a composer keeps what the user has typed or picked and turns it into the answer's JSON.
/// A composer is keyed by its question, so another question gets a fresh one, prefilled from <c>Answer</c>.
/// </summary>
public interface IQuestionComposer
{
    /// <summary>The answer as the API takes it (<c>POST /api/workshops/{id}/answers</c>).</summary>
    JsonNode? Compose();
}
