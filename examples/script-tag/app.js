// Page tools and event logging for the script-tag example. The widget defines these methods
// as soon as its loader has run, before the call code has loaded.
await customElements.whenDefined('voice-agent');
const widget = document.querySelector('voice-agent');
const cart = [];

widget.registerTool({
  name: 'add_to_cart',
  description: 'Adds a product to the visitor’s cart and returns the cart.',
  parameters: {
    type: 'object',
    properties: {
      product: { type: 'string', description: 'Product name' },
      quantity: { type: 'integer', minimum: 1 },
    },
    required: ['product'],
  },
  handler: ({ product, quantity = 1 }) => {
    cart.push({ product, quantity });
    document.getElementById('cart').textContent = cart
      .map((item) => `${item.quantity} × ${item.product}`)
      .join(', ');
    return { cart };
  },
});

const log = document.getElementById('log');
for (const type of [
  'voice-agent-state',
  'voice-agent-transcript',
  'voice-agent-tool-call',
  'voice-agent-error',
  'voice-agent-ended',
]) {
  widget.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.textContent = `${type} ${JSON.stringify(event.detail)}`;
    log.prepend(item);
  });
}
