/**
 * The event refers to a conversation we have not received yet: retry later, never guess.
 * Thrown before the event has written anything (apply-event.ts looks the conversation up
 * first), so the apply worker can carry on with the rest of its batch without a rollback.
 */
export class ConversationNotKnownYet extends Error {
  readonly conversationId: string
  constructor (conversationId: string) {
    super(`conversation ${conversationId} has not been received yet; waiting for its conversation.created`)
    this.name = 'ConversationNotKnownYet'
    this.conversationId = conversationId
  }
}
