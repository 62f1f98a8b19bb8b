// A page's text is turned into bytes every 32K characters: one string for a whole page lands in V8's
// large-object space, and with it garbage collection took half the XLSX writer's time.
const FLUSH_AT = 32 * 1024

/** Text appended a row at a time, taken as one Buffer per page. */
export class TextBytes {
  private parts: Buffer[] = []
  private text = ''

  add(s: string): void {
    this.text += s
    if (this.text.length > FLUSH_AT) {
      this.parts.push(Buffer.from(this.text))
      this.text = ''
    }
  }

  take(): Buffer {
    this.parts.push(Buffer.from(this.text))
    const bytes = Buffer.concat(this.parts)
    this.parts = []
    this.text = ''
    return bytes
  }
}
