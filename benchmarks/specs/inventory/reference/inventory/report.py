def format_report(inv) -> str:
    lines = []
    for sku in sorted(inv.counts):
        item, qty = inv.items[sku], inv.counts[sku]
        lines.append(f"{sku} {item.name} x{qty} = {qty * item.price:.2f}")
    lines.append(f"TOTAL {inv.total_value():.2f}")
    return "\n".join(lines)
