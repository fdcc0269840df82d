import heapq
import math


class CycleError(ValueError):
    """The graph has a cycle."""


def _nodes(graph) -> set:
    nodes = set(graph)
    for edges in graph.values():
        nodes.update(edges)
    return nodes


def shortest_path(graph, start, goal):
    for edges in graph.values():
        if any(w < 0 for w in edges.values()):
            raise ValueError("negative weight")
    dist, prev, heap = {start: 0}, {}, [(0, 0, start)]
    counter = 1
    while heap:
        d, _, node = heapq.heappop(heap)
        if node == goal:
            path = [goal]
            while path[-1] != start:
                path.append(prev[path[-1]])
            return d, path[::-1]
        if d > dist.get(node, math.inf):
            continue
        for nxt, w in graph.get(node, {}).items():
            if d + w < dist.get(nxt, math.inf):
                dist[nxt], prev[nxt] = d + w, node
                heapq.heappush(heap, (d + w, counter, nxt))
                counter += 1
    return math.inf, []


def topo_sort(graph) -> list:
    nodes = _nodes(graph)
    indegree = {n: 0 for n in nodes}
    for edges in graph.values():
        for n in edges:
            indegree[n] += 1
    ready = sorted(n for n in nodes if indegree[n] == 0)
    heapq.heapify(ready)
    order = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for n in graph.get(node, {}):
            indegree[n] -= 1
            if indegree[n] == 0:
                heapq.heappush(ready, n)
    if len(order) != len(nodes):
        raise CycleError("the graph has a cycle")
    return order
