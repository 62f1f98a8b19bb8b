/**
 * Streams one zip part through saxes. Element and attribute names arrive as plain strings and are only
 * ever compared, never used as object keys; saxes itself keeps attributes in a null-prototype object.
 * Namespace prefixes are dropped (`x:row` is `row`) because some generators prefix the SpreadsheetML names.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import type { ZipEntry, ZipReader } from './zip.ts'

export interface XmlHandlers {
  open(name: string, tag: SaxesTagPlain): void
  close(name: string): void
  text?(text: string): void
}

export function localName(name: string): string {
  const colon = name.indexOf(':')
  return colon === -1 ? name : name.slice(colon + 1)
}

/** Reads an attribute by its local name (`r:id` answers to `id`), without trusting the key set. */
export function attribute(tag: SaxesTagPlain, name: string): string | undefined {
  const attributes = tag.attributes as Record<string, string>
  if (Object.hasOwn(attributes, name)) return attributes[name]
  for (const key of Object.keys(attributes)) {
    if (localName(key) === name) return attributes[key]
  }
  return undefined
}

/**
 * Feeds the part to the handlers chunk by chunk. `between` runs after each chunk: the sheet reader uses it
 * to hand rows over and wait for the consumer.
 */
export async function parseXmlPart(
  zip: ZipReader,
  entry: ZipEntry,
  maxBytes: number,
  handlers: XmlHandlers,
  between?: () => Promise<void>,
): Promise<void> {
  const parser = new SaxesParser({ position: false })
  const malformed = () => zip.refuse(`the part ${entry.name} is not well-formed XML`)
  parser.on('error', () => {
    throw malformed()
  })
  // A DTD is never needed in SpreadsheetML; refusing it rules out entity tricks altogether.
  parser.on('doctype', () => {
    throw zip.refuse(`the part ${entry.name} declares a DTD`)
  })
  parser.on('opentag', (tag) => handlers.open(localName(tag.name), tag as SaxesTagPlain))
  parser.on('closetag', (tag) => handlers.close(localName(tag.name)))
  if (handlers.text) {
    const onText = handlers.text
    parser.on('text', onText)
    parser.on('cdata', onText)
  }
  const decoder = new TextDecoder('utf-8')
  for await (const chunk of zip.stream(entry, maxBytes)) {
    const text = decoder.decode(chunk, { stream: true })
    if (text.length > 0) parser.write(text)
    if (between) await between()
  }
  parser.write(decoder.decode())
  parser.close()
}
