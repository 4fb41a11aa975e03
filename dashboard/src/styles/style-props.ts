import { type AttributePart, noChange } from 'lit';
import { Directive, type DirectiveParameters, directive, type PartInfo, PartType } from 'lit/directive.js';

/**
 * Sets style properties through the CSSOM on every render. Lit's own styleMap writes a `style`
 * attribute on first render, which the hub's `default-src 'self'` policy refuses (inline styles);
 * properties set from script are not inline styles and pass.
 */
class StyleProps extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ATTRIBUTE || part.name !== 'style')
      throw new Error('styleProps belongs in a style attribute');
  }

  render(_props: Readonly<Record<string, string>>): typeof noChange {
    return noChange;
  }

  override update(part: AttributePart, [props]: DirectiveParameters<this>): typeof noChange {
    const style = (part.element as HTMLElement).style;
    for (const [name, value] of Object.entries(props)) style.setProperty(name, value);
    return noChange;
  }
}

export const styleProps = directive(StyleProps);
