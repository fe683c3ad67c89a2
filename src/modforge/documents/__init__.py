"""Reading pipeline documents: bytes to text, the CommonMark block scanner, the parser, the immutable
document model, and finding and loading modules."""
