import type { AccessGraphEdge, AccessGraphNode } from '../access-graph';

/** Most actions an edge label lists before "+N more". */
const MAX_LABEL_ACTIONS = 4;

/** Node shapes by kind: principals rounded, services stadium, accounts subroutine, IdC hexagon, resources cylinder. */
const SHAPES: Record<string, [string, string]> = {
  'role': ['(', ')'],
  'user': ['(', ')'],
  'service': ['([', '])'],
  'account': ['[[', ']]'],
  'external-principal': ['[/', '/]'],
  'idc-group': ['{{', '}}'],
  'idc-user': ['{{', '}}'],
  'resource': ['[(', ')]'],
};

/** Arrows: assume solid, access dotted, grant thick. */
const ARROWS: Record<string, string> = { assume: '-->', access: '-.->', grant: '==>' };

/**
 * A Mermaid flowchart of the graph. Node ids are positions in the sorted node list, so the same
 * graph gives the same text; stacks become subgraphs.
 */
export function renderMermaid(nodes: AccessGraphNode[], edges: AccessGraphEdge[]): string {
  const ids = new Map(nodes.map((node, index) => [node.id, `n${index}`]));
  const lines = ['flowchart LR'];
  const byStack = new Map<string, AccessGraphNode[]>();
  for (const node of nodes) {
    const key = node.stack ?? '';
    byStack.set(key, [...(byStack.get(key) ?? []), node]);
  }
  const shape = (node: AccessGraphNode) => {
    const [open, close] = SHAPES[node.kind] ?? ['[', ']'];
    return `${ids.get(node.id)}${open}"${escape(node.label)}"${close}`;
  };
  for (const node of byStack.get('') ?? []) {
    lines.push(`  ${shape(node)}`);
  }
  [...byStack.keys()].filter((stack) => stack !== '').sort().forEach((stack, index) => {
    lines.push(`  subgraph s${index}["${escape(stack)}"]`);
    for (const node of byStack.get(stack)!) {
      lines.push(`    ${shape(node)}`);
    }
    lines.push('  end');
  });
  for (const edge of edges) {
    const shown = edge.actions.slice(0, MAX_LABEL_ACTIONS).map(shortAction);
    const more = edge.actions.length > MAX_LABEL_ACTIONS ? ` +${edge.actions.length - MAX_LABEL_ACTIONS} more` : '';
    const conditions = edge.conditions.length > 0 ? ` if ${edge.conditions.join(', ')}` : '';
    const label = `${shown.join(', ')}${more}${conditions}`;
    lines.push(`  ${ids.get(edge.from)} ${ARROWS[edge.kind] ?? '-->'}${label ? `|"${escape(label)}"|` : ''} ${ids.get(edge.to)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `sts:AssumeRole` → `AssumeRole`, except where the service matters (several in one label). */
function shortAction(action: string): string {
  return action.startsWith('sts:') ? action.slice(4) : action;
}

/** Mermaid labels in double quotes: quotes and angle brackets as entities. */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
