using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Web.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace GrowthKit.Web.Components.Workshop;

/// <summary>
/// The answer box of one kind of workshop question. The page keeps the flow (send, skip, change an
/// earlier answer); a composer keeps what the user has typed or picked and turns it into the answer's JSON.
/// A composer is keyed by its question, so another question gets a fresh one, prefilled from <see cref="Answer"/>.
/// </summary>
public abstract class QuestionComposer : ComponentBase
{
    [Parameter, EditorRequired] public WorkshopQuestion Question { get; set; } = default!;

    /// <summary>The answer already given to this question, if any.</summary>
    [Parameter] public JsonElement? Answer { get; set; }

    /// <summary>Sends the answer: Enter in a box that takes one line (the other kinds do not raise it).</summary>
    [Parameter] public EventCallback OnEnter { get; set; }

    /// <summary>The answer as the API takes it (<c>POST /api/workshops/{id}/answers</c>).</summary>
    public abstract JsonNode? Compose();

    protected async Task SendOnEnter(KeyboardEventArgs e)
    {
        if (e.Key == "Enter") await OnEnter.InvokeAsync();
    }
}
