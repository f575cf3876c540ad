/** The event refers to a conversation we have not received yet: retry later, never guess. */
export class ConversationNotKnownYet extends Error {
  readonly conversationId: string
  constructor (conversationId: string) {
    super(`conversation ${conversationId} has not been received yet; waiting for its conversation.created`)
    this.name = 'ConversationNotKnownYet'
    this.conversationId = conversationId
  }
}
