import type { Visitor } from '@voice-agent/agent';

/** One order of the demo shop. */
export interface DemoOrder {
  id: string;
  customerId: string;
  item: string;
  status: 'processing' | 'shipped' | 'delivered';
  arrives: string;
}

export const DEMO_ORDERS: readonly DemoOrder[] = [
  {
    id: 'ORD-1001-A',
    customerId: 'cust-1001',
    item: 'a brass telescope',
    status: 'shipped',
    arrives: 'Thursday',
  },
  {
    id: 'ORD-2002-A',
    customerId: 'cust-2002',
    item: 'a chess set',
    status: 'processing',
    arrives: 'next Monday',
  },
];

/**
 * The `order_status` tool's answer: the signed-in visitor's order (the one named, or their
 * latest), never another customer's. An anonymous visitor gets a polite refusal, and an
 * order that is not theirs reads exactly like one that does not exist.
 */
export function orderStatus(
  visitor: Visitor | null,
  args: Record<string, unknown>,
): Record<string, unknown> {
  if (!visitor) {
    return {
      found: false,
      reason:
        'Orders can only be looked up for signed-in customers: please sign in on the site first.',
    };
  }
  const wanted = typeof args.orderId === 'string' ? args.orderId.trim().toUpperCase() : undefined;
  const own = DEMO_ORDERS.filter((order) => order.customerId === visitor.id);
  const order = wanted ? own.find((o) => o.id === wanted) : own.at(-1);
  if (!order) {
    return {
      found: false,
      reason: wanted
        ? `There is no order ${wanted} on your account.`
        : 'There are no orders on your account.',
    };
  }
  return {
    found: true,
    orderId: order.id,
    item: order.item,
    status: order.status,
    arrives: order.arrives,
  };
}
