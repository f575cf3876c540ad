/** `items` in slices of at most `size`, in order: the batches a CRM call, or a collection in one, takes. */
export function chunk<T> (items: T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}
