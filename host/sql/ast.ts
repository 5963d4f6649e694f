// The syntax tree of Pinot's single-stage SQL dialect, as host/sql/parser.ts produces it.
// The parser only checks syntax: names of columns, tables and functions are resolved by the
// planner (host/query) or by the row-expression compiler (host/expr), which report unknown
// names with the position kept on every node.

/** Where a node starts in the query text: 1-based line and column, 0-based character offset. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/**
 * Literal types, following Pinot's literal typing: integers that fit 32 bits are INT, wider
 * ones LONG (a bigint, exact beyond 2^53); decimals and exponents are DOUBLE.
 */
export type LiteralType = 'INT' | 'LONG' | 'DOUBLE' | 'STRING' | 'BOOLEAN' | 'NULL';

export interface LiteralExpr {
  readonly kind: 'literal';
  readonly type: LiteralType;
  readonly value: number | bigint | string | boolean | null;
  /**
   * Numbers only: the literal as written (sign folded in), so that a planner can compare a
   * DOUBLE literal against a BIG_DECIMAL column exactly and printing keeps `48.0` a DOUBLE.
   */
  readonly text?: string;
  readonly pos: SourcePosition;
}

export interface IdentifierExpr {
  readonly kind: 'identifier';
  /** Dotted parts joined with '.', e.g. `mytable.col`; quoted identifiers keep their case. */
  readonly name: string;
  /** Written in double quotes: case-sensitive and may be a reserved word. */
  readonly quoted: boolean;
  readonly pos: SourcePosition;
}

/** `*` as a function argument: only `COUNT(*)` and the like. */
export interface StarExpr {
  readonly kind: 'star';
  readonly pos: SourcePosition;
}

/** A function or aggregation call; the name is as written (resolution is case-insensitive). */
export interface CallExpr {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  /** `COUNT(DISTINCT x)`. */
  readonly distinct: boolean;
  /** `agg(x) FILTER (WHERE cond)`. */
  readonly filter?: Expr;
  readonly pos: SourcePosition;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface BinaryExpr {
  readonly kind: 'binary';
  /** `<>` is normalised to `!=`. */
  readonly op: ArithmeticOp | ComparisonOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly pos: SourcePosition;
}

/** AND / OR chains are kept flat (`a AND b AND c` has three operands), as Pinot does. */
export interface LogicalExpr {
  readonly kind: 'logical';
  readonly op: 'AND' | 'OR';
  readonly operands: readonly Expr[];
  readonly pos: SourcePosition;
}

export interface NotExpr {
  readonly kind: 'not';
  readonly operand: Expr;
  readonly pos: SourcePosition;
}

/** Unary minus of anything but a numeric literal (literals fold the sign into their value). */
export interface NegateExpr {
  readonly kind: 'negate';
  readonly operand: Expr;
  readonly pos: SourcePosition;
}

export interface BetweenExpr {
  readonly kind: 'between';
  readonly negated: boolean;
  readonly value: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly pos: SourcePosition;
}

export interface InExpr {
  readonly kind: 'in';
  readonly negated: boolean;
  readonly value: Expr;
  readonly list: readonly Expr[];
  readonly pos: SourcePosition;
}

export interface LikeExpr {
  readonly kind: 'like';
  readonly negated: boolean;
  readonly value: Expr;
  readonly pattern: Expr;
  readonly escape?: Expr;
  readonly pos: SourcePosition;
}

export interface IsNullExpr {
  readonly kind: 'isNull';
  readonly negated: boolean;
  readonly value: Expr;
  readonly pos: SourcePosition;
}

export interface CaseWhen {
  readonly when: Expr;
  readonly then: Expr;
}

/** Both forms: `CASE WHEN c THEN v ...` and `CASE x WHEN v1 THEN r1 ...` (operand set). */
export interface CaseExpr {
  readonly kind: 'case';
  readonly operand?: Expr;
  readonly whens: readonly CaseWhen[];
  readonly elseValue?: Expr;
  readonly pos: SourcePosition;
}

export interface CastExpr {
  readonly kind: 'cast';
  readonly value: Expr;
  /** Upper case, e.g. `LONG`, `DOUBLE`, `VARCHAR`, `TIMESTAMP`. */
  readonly targetType: string;
  readonly pos: SourcePosition;
}

export type Expr =
  | LiteralExpr
  | IdentifierExpr
  | StarExpr
  | CallExpr
  | BinaryExpr
  | LogicalExpr
  | NotExpr
  | NegateExpr
  | BetweenExpr
  | InExpr
  | LikeExpr
  | IsNullExpr
  | CaseExpr
  | CastExpr;

export type SelectItem =
  | { readonly kind: 'star'; readonly pos: SourcePosition }
  | {
      readonly kind: 'expr';
      readonly expr: Expr;
      readonly alias?: string;
      readonly pos: SourcePosition;
    };

export interface OrderByItem {
  readonly expr: Expr;
  readonly descending: boolean;
  /** Absent: Pinot's default (nulls last ascending, first descending). */
  readonly nullsFirst?: boolean;
}

export interface TableRef {
  /** As written (dotted parts joined with '.'), e.g. `mytable` or `airlineStats_OFFLINE`. */
  readonly name: string;
  readonly pos: SourcePosition;
}

export interface SelectQuery {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly selectList: readonly SelectItem[];
  readonly from: TableRef;
  readonly where?: Expr;
  /** Ordinals and select aliases already replaced by the select expressions they name. */
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
  /** Ordinals and select aliases already replaced, as in GROUP BY. */
  readonly orderBy: readonly OrderByItem[];
  /** Absent: Pinot's default applies (10 for selections and group-bys). */
  readonly limit?: number;
  readonly offset?: number;
  readonly pos: SourcePosition;
}

/** One statement: `SET k = v;` prefixes, optional `EXPLAIN PLAN FOR`, a query, `OPTION(...)`. */
export interface SqlStatement {
  readonly explain: boolean;
  readonly query: SelectQuery;
  /**
   * `SET` prefixes and `OPTION(...)` suffixes merged (later ones win), values as written
   * (strings unquoted), e.g. `{ enableNullHandling: 'true', timeoutMs: '1000' }`.
   */
  readonly queryOptions: Readonly<Record<string, string>>;
}
