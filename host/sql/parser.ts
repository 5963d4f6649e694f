// Recursive-descent parser for Pinot's single-stage SQL dialect, with a Pratt loop for
// expressions. Errors say what was found, where, and what would have been accepted, in the
// words Calcite (Pinot's parser) uses, so users can search them.
import type {
  CallExpr,
  CaseWhen,
  Expr,
  LiteralExpr,
  OrderByItem,
  SelectItem,
  SelectQuery,
  SourcePosition,
  SqlStatement,
  TableRef,
} from './ast.js';
import { SqlParseError, describePosition } from './errors.js';
import { positionOf, tokenize, type Token } from './lexer.js';
import { resolveOrdinalsAndAliases } from './resolve.js';

/**
 * Deepest expression nesting accepted (parentheses, function calls, operator chains). Deep
 * enough for any hand-written or generated query seen in practice, shallow enough that the
 * parser, printer and evaluator recurse far below Node's default stack.
 */
export const MAX_EXPRESSION_DEPTH = 256;

/** Words that cannot be bare identifiers or aliases: they start or end clauses. */
const RESERVED = new Set([
  'ALL', 'AND', 'AS', 'ASC', 'BETWEEN', 'BY', 'CASE', 'CAST', 'DESC', 'DISTINCT', 'ELSE', 'END',
  'ESCAPE', 'EXCEPT', 'EXPLAIN', 'FALSE', 'FROM', 'GROUP', 'HAVING', 'IN', 'INNER', 'INTERSECT',
  'IS', 'JOIN', 'LIKE', 'LIMIT', 'NOT', 'NULL', 'OFFSET', 'ON', 'OPTION', 'OR', 'ORDER',
  'SELECT', 'SET', 'THEN', 'TRUE', 'UNION', 'WHEN', 'WHERE', 'WITH',
]);

/**
 * Operator words that, in prefix position and followed by '(', are Pinot's function forms of
 * the operators (`and(a, b)`, `in(x, 1, 2)`), as ingestion transforms write them.
 */
const OPERATOR_FUNCTIONS = new Set(['AND', 'OR', 'IN', 'LIKE', 'BETWEEN']);

/** Binding power of infix operators: higher binds tighter (Calcite's relative order). */
const PRECEDENCE = { OR: 1, AND: 2, NOT: 3, COMPARISON: 4, ADDITIVE: 5, MULTIPLICATIVE: 6 };

/** Infix comparison operators; `<>` and `!=` mean the same. */
const COMPARISON_SYMBOLS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);
const INT32_MIN = -(2n ** 31n); // literals inside this range are INT, as in Pinot
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n); // wider than LONG: kept as DOUBLE
const INT64_MAX = 2n ** 63n - 1n;

/** Parses one statement: `SET` prefixes, optional `EXPLAIN PLAN FOR`, query, `OPTION(...)`. */
export function parseSql(text: string): SqlStatement {
  const parser = new Parser(tokenize(text));
  const statement = parser.parseStatement();
  return { ...statement, query: resolveOrdinalsAndAliases(statement.query) };
}

/** Parses a standalone expression (ingestion transforms, filterConfig, post-aggregation). */
export function parseExpression(text: string): Expr {
  const parser = new Parser(tokenize(text));
  return parser.parseStandaloneExpression();
}

type InfixKind = 'OR' | 'AND' | 'COMPARISON' | 'PREDICATE' | 'ADDITIVE' | 'MULTIPLICATIVE';

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  // ---- token helpers ----

  private peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1]!;
    return this.tokens[this.index + ahead] ?? last;
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'word' && token.upper === word;
  }

  private isSymbol(symbol: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'symbol' && token.text === symbol;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.index++;
    return true;
  }

  private acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.index++;
    return true;
  }

  private expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) throw this.unexpected([`"${word}"`]);
    return this.advance();
  }

  private expectSymbol(symbol: string): Token {
    if (!this.isSymbol(symbol)) throw this.unexpected([`"${symbol}"`]);
    return this.advance();
  }

  /** Calcite's message: `Encountered "X" at line L, column C. Was expecting one of: ...`. */
  unexpected(expected: readonly string[], token = this.peek()): SqlParseError {
    const found = describeToken(token);
    const expecting = expected.length === 1 ? 'Was expecting:' : 'Was expecting one of:';
    return new SqlParseError(
      positionOf(token),
      `Encountered ${found} at ${describePosition(positionOf(token))}. ${expecting} ${expected.join(', ')}`,
    );
  }

  private unsupported(token: Token, what: string): SqlParseError {
    return new SqlParseError(
      positionOf(token),
      `${what} at ${describePosition(positionOf(token))} is not supported by the single-stage engine`,
    );
  }

  // ---- statements ----

  parseStatement(): SqlStatement {
    const queryOptions: Record<string, string> = {};
    while (this.isKeyword('SET')) this.parseSetOption(queryOptions);
    let explain = false;
    if (this.acceptKeyword('EXPLAIN')) {
      this.expectKeyword('PLAN');
      this.expectKeyword('FOR');
      explain = true;
    }
    const query = this.parseQuery();
    while (this.isKeyword('OPTION')) this.parseOptionClause(queryOptions);
    this.acceptSymbol(';');
    if (this.peek().kind !== 'eof') throw this.unexpected(END_OF_QUERY);
    return { explain, query, queryOptions };
  }

  parseStandaloneExpression(): Expr {
    const expr = this.parseExpr(0);
    if (this.peek().kind !== 'eof') throw this.unexpected(['an operator', '<EOF>']);
    return expr;
  }

  private parseSetOption(options: Record<string, string>): void {
    this.expectKeyword('SET');
    const key = this.parseOptionKey();
    this.expectSymbol('=');
    options[key] = this.parseOptionValue();
    this.expectSymbol(';');
  }

  private parseOptionClause(options: Record<string, string>): void {
    this.expectKeyword('OPTION');
    this.expectSymbol('(');
    do {
      const key = this.parseOptionKey();
      this.expectSymbol('=');
      options[key] = this.parseOptionValue();
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
  }

  private parseOptionKey(): string {
    const token = this.peek();
    if (token.kind !== 'word' && token.kind !== 'quoted') throw this.unexpected(['<IDENTIFIER>']);
    this.advance();
    let key = token.text;
    while (this.isSymbol('.') && this.peek(1).kind === 'word') {
      this.advance();
      key += `.${this.advance().text}`;
    }
    return key;
  }

  private parseOptionValue(): string {
    const token = this.peek();
    if (token.kind === 'symbol' && token.text === '-' && this.peek(1).kind === 'number') {
      this.advance();
      return `-${this.advance().text}`;
    }
    if (token.kind === 'word' || token.kind === 'string' || token.kind === 'number') {
      this.advance();
      return token.text;
    }
    throw this.unexpected(['<STRING>', '<NUMBER>', '<IDENTIFIER>']);
  }

  private parseQuery(): SelectQuery {
    const start = this.peek();
    if (this.isSymbol('(')) throw this.unsupported(start, 'A parenthesized query');
    this.expectKeyword('SELECT');
    const distinct = this.acceptKeyword('DISTINCT');
    if (!distinct) this.acceptKeyword('ALL');
    const selectList = this.parseSelectList();
    if (!this.isKeyword('FROM')) throw this.unexpected(['","', '"AS"', '"FROM"', 'an operator']);
    this.advance();
    const from = this.parseTable();
    const where = this.acceptKeyword('WHERE') ? this.parseExpr(0) : undefined;
    const groupBy = this.parseGroupBy();
    const having = this.acceptKeyword('HAVING') ? this.parseExpr(0) : undefined;
    const orderBy = this.parseOrderBy();
    const { limit, offset } = this.parseLimitOffset();
    this.rejectSetOperations();
    return {
      kind: 'select',
      distinct,
      selectList,
      from,
      ...(where === undefined ? {} : { where }),
      groupBy,
      ...(having === undefined ? {} : { having }),
      orderBy,
      ...(limit === undefined ? {} : { limit }),
      ...(offset === undefined ? {} : { offset }),
      pos: positionOf(start),
    };
  }

  private rejectSetOperations(): void {
    const token = this.peek();
    for (const word of ['UNION', 'INTERSECT', 'EXCEPT']) {
      if (this.isKeyword(word)) throw this.unsupported(token, word);
    }
  }

  private parseSelectList(): SelectItem[] {
    const items: SelectItem[] = [];
    do {
      const token = this.peek();
      if (this.acceptSymbol('*')) {
        items.push({ kind: 'star', pos: positionOf(token) });
        continue;
      }
      const expr = this.parseExpr(0);
      const alias = this.parseAlias();
      items.push({ kind: 'expr', expr, ...(alias === undefined ? {} : { alias }), pos: positionOf(token) });
    } while (this.acceptSymbol(','));
    return items;
  }

  private parseAlias(): string | undefined {
    const explicit = this.acceptKeyword('AS');
    const token = this.peek();
    if (token.kind === 'quoted' || (token.kind === 'word' && !RESERVED.has(token.upper))) {
      this.advance();
      return token.text;
    }
    if (explicit) throw this.unexpected(['<IDENTIFIER>', '<QUOTED_IDENTIFIER>']);
    return undefined;
  }

  private parseTable(): TableRef {
    const token = this.peek();
    if (this.isSymbol('(')) throw this.unsupported(token, 'A subquery in FROM');
    const name = this.parseName(['<TABLE NAME>']);
    if (this.isSymbol(',') || this.isKeyword('JOIN') || this.isKeyword('INNER')) {
      throw this.unsupported(this.peek(), 'A join');
    }
    return { name, pos: positionOf(token) };
  }

  /** A possibly dotted name of words (not reserved) and quoted identifiers. */
  private parseName(expected: readonly string[]): string {
    let name = this.parseNamePart(expected);
    while (this.isSymbol('.')) {
      this.advance();
      name += `.${this.parseNamePart(['<IDENTIFIER>'])}`;
    }
    return name;
  }

  private parseNamePart(expected: readonly string[]): string {
    const token = this.peek();
    if (token.kind === 'quoted' || (token.kind === 'word' && !RESERVED.has(token.upper))) {
      this.advance();
      return token.text;
    }
    throw this.unexpected(expected);
  }

  private parseGroupBy(): Expr[] {
    if (!this.acceptKeyword('GROUP')) return [];
    this.expectKeyword('BY');
    const exprs: Expr[] = [];
    do exprs.push(this.parseExpr(0));
    while (this.acceptSymbol(','));
    return exprs;
  }

  private parseOrderBy(): OrderByItem[] {
    if (!this.acceptKeyword('ORDER')) return [];
    this.expectKeyword('BY');
    const items: OrderByItem[] = [];
    do {
      const expr = this.parseExpr(0);
      const descending = this.acceptKeyword('DESC');
      if (!descending) this.acceptKeyword('ASC');
      let nullsFirst: boolean | undefined;
      if (this.acceptKeyword('NULLS')) {
        if (this.acceptKeyword('FIRST')) nullsFirst = true;
        else if (this.acceptKeyword('LAST')) nullsFirst = false;
        else throw this.unexpected(['"FIRST"', '"LAST"']);
      }
      items.push({ expr, descending, ...(nullsFirst === undefined ? {} : { nullsFirst }) });
    } while (this.acceptSymbol(','));
    return items;
  }

  private parseLimitOffset(): { limit?: number; offset?: number } {
    let limit: number | undefined;
    let offset: number | undefined;
    if (this.acceptKeyword('LIMIT')) {
      const first = this.parseCount();
      if (this.acceptSymbol(',')) {
        offset = first;
        limit = this.parseCount();
      } else {
        limit = first;
      }
    }
    if (offset === undefined && this.acceptKeyword('OFFSET')) offset = this.parseCount();
    if (limit === undefined && offset !== undefined && this.acceptKeyword('LIMIT')) {
      limit = this.parseCount();
    }
    return {
      ...(limit === undefined ? {} : { limit }),
      ...(offset === undefined ? {} : { offset }),
    };
  }

  /** A non-negative integer for LIMIT and OFFSET. */
  private parseCount(): number {
    const token = this.peek();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) {
      throw this.unexpected(['<UNSIGNED INTEGER LITERAL>']);
    }
    const value = Number(token.text);
    if (!Number.isSafeInteger(value)) {
      throw new SqlParseError(
        positionOf(token),
        `${token.text} at ${describePosition(positionOf(token))} is too large for LIMIT or OFFSET; ` +
          `use at most ${Number.MAX_SAFE_INTEGER}`,
      );
    }
    this.advance();
    return value;
  }

  // ---- expressions ----

  /** Pratt loop: parses operators binding tighter than `minPrecedence`. */
  parseExpr(minPrecedence: number): Expr {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw tooDeep(this.peek());
    let left = this.parsePrefix();
    let chainDepth = 0;
    for (;;) {
      const infix = this.infixKind();
      if (infix === undefined || PRECEDENCE_OF[infix] <= minPrecedence) break;
      const token = this.peek();
      const before = left;
      left = this.parseInfix(infix, left);
      const flattened = left.kind === 'logical' && before.kind === 'logical' && left === before;
      if (!flattened && ++chainDepth + this.depth > MAX_EXPRESSION_DEPTH) throw tooDeep(token);
    }
    this.depth--;
    return left;
  }

  private infixKind(): InfixKind | undefined {
    const token = this.peek();
    if (token.kind === 'symbol') {
      if (COMPARISON_SYMBOLS.has(token.text)) return 'COMPARISON';
      if (token.text === '+' || token.text === '-' || token.text === '||') return 'ADDITIVE';
      if (token.text === '*' || token.text === '/' || token.text === '%') return 'MULTIPLICATIVE';
      return undefined;
    }
    if (token.kind !== 'word') return undefined;
    switch (token.upper) {
      case 'OR':
        return 'OR';
      case 'AND':
        return 'AND';
      case 'IN':
      case 'BETWEEN':
      case 'LIKE':
      case 'IS':
        return 'PREDICATE';
      case 'NOT':
        return ['IN', 'BETWEEN', 'LIKE'].includes(this.peek(1).upper) ? 'PREDICATE' : undefined;
      default:
        return undefined;
    }
  }

  private parseInfix(kind: InfixKind, left: Expr): Expr {
    const token = this.advance();
    switch (kind) {
      case 'OR':
      case 'AND':
        return this.parseLogical(kind, left);
      case 'PREDICATE':
        return this.parsePredicate(token, left);
      case 'COMPARISON':
      case 'ADDITIVE':
      case 'MULTIPLICATIVE': {
        const right = this.parseExpr(PRECEDENCE_OF[kind]);
        if (token.text === '||') return concatCall(left, right);
        const op = token.text === '<>' ? '!=' : (token.text as '+');
        return { kind: 'binary', op, left, right, pos: left.pos };
      }
    }
  }

  /** AND / OR: appended to a chain of the same operator, which stays flat. */
  private parseLogical(op: 'AND' | 'OR', left: Expr): Expr {
    const right = this.parseExpr(PRECEDENCE_OF[op]);
    if (left.kind === 'logical' && left.op === op) {
      (left.operands as Expr[]).push(right);
      return left;
    }
    return { kind: 'logical', op, operands: [left, right], pos: left.pos };
  }

  private parsePredicate(token: Token, value: Expr): Expr {
    const pos = value.pos;
    if (token.upper === 'IS') return this.parseIs(value);
    const negated = token.upper === 'NOT';
    const operator = negated ? this.advance() : token;
    const operand = (): Expr => this.parseExpr(PRECEDENCE.COMPARISON);
    if (operator.upper === 'BETWEEN') {
      const low = operand();
      this.expectKeyword('AND');
      return { kind: 'between', negated, value, low, high: operand(), pos };
    }
    if (operator.upper === 'LIKE') {
      const pattern = operand();
      const escape = this.acceptKeyword('ESCAPE') ? operand() : undefined;
      return { kind: 'like', negated, value, pattern, ...(escape ? { escape } : {}), pos };
    }
    return { kind: 'in', negated, value, list: this.parseInList(), pos };
  }

  /**
   * After IS: `[NOT] NULL` is its own node; `[NOT] TRUE|FALSE` and `[NOT] DISTINCT FROM x`
   * become Pinot's functions isTrue, isNotFalse, isDistinctFrom, isNotDistinctFrom, ...
   */
  private parseIs(value: Expr): Expr {
    const negated = this.acceptKeyword('NOT');
    const token = this.peek();
    const call = (name: string, args: Expr[]): CallExpr => ({
      kind: 'call',
      name,
      args,
      distinct: false,
      pos: value.pos,
    });
    const not = negated ? 'Not' : '';
    if (this.acceptKeyword('NULL')) return { kind: 'isNull', negated, value, pos: value.pos };
    if (this.acceptKeyword('TRUE')) return call(`is${not}True`, [value]);
    if (this.acceptKeyword('FALSE')) return call(`is${not}False`, [value]);
    if (this.acceptKeyword('DISTINCT')) {
      this.expectKeyword('FROM');
      return call(`is${not}DistinctFrom`, [value, this.parseExpr(PRECEDENCE.COMPARISON)]);
    }
    throw this.unexpected(['"NULL"', '"TRUE"', '"FALSE"', '"DISTINCT"'], token);
  }

  private parseInList(): Expr[] {
    this.expectSymbol('(');
    if (this.isKeyword('SELECT')) throw this.unsupported(this.peek(), 'A subquery in IN');
    const list: Expr[] = [];
    do list.push(this.parseExpr(0));
    while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return list;
  }

  private parsePrefix(): Expr {
    const token = this.peek();
    if (token.kind === 'word' && token.upper === 'NOT') {
      this.advance();
      return { kind: 'not', operand: this.parseExpr(PRECEDENCE.NOT), pos: positionOf(token) };
    }
    if (token.kind === 'symbol' && (token.text === '-' || token.text === '+')) {
      this.advance();
      const operand = this.parseExpr(PRECEDENCE.MULTIPLICATIVE);
      if (token.text === '+') return operand;
      if (operand.kind === 'literal' && operand.text !== undefined) {
        return numberLiteral(negateText(operand.text), positionOf(token));
      }
      return { kind: 'negate', operand, pos: positionOf(token) };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.advance();
        return numberLiteral(token.text, positionOf(token));
      case 'string':
        this.advance();
        return { kind: 'literal', type: 'STRING', value: token.text, pos: positionOf(token) };
      case 'quoted':
        return this.parseIdentifierOrCall();
      case 'symbol':
        if (token.text === '(') return this.parseParenthesized();
        throw this.unexpected(EXPRESSION_START);
      case 'word':
        return this.parseWordPrimary(token);
      case 'eof':
        throw this.unexpected(EXPRESSION_START);
    }
  }

  private parseWordPrimary(token: Token): Expr {
    switch (token.upper) {
      case 'TRUE':
      case 'FALSE':
        this.advance();
        return { kind: 'literal', type: 'BOOLEAN', value: token.upper === 'TRUE', pos: positionOf(token) };
      case 'NULL':
        this.advance();
        return { kind: 'literal', type: 'NULL', value: null, pos: positionOf(token) };
      case 'CASE':
        return this.parseCase();
      case 'CAST':
        return this.parseCast();
      default:
        if (OPERATOR_FUNCTIONS.has(token.upper) && this.isSymbol('(', 1)) {
          return this.parseCall(this.advance());
        }
        if (RESERVED.has(token.upper)) throw this.unexpected(EXPRESSION_START);
        return this.parseIdentifierOrCall();
    }
  }

  private parseParenthesized(): Expr {
    this.advance();
    if (this.isKeyword('SELECT')) throw this.unsupported(this.peek(), 'A subquery');
    const expr = this.parseExpr(0);
    if (!this.isSymbol(')')) throw this.unexpected(['")"', 'an operator']);
    this.advance();
    return expr;
  }

  private parseIdentifierOrCall(): Expr {
    const token = this.peek();
    if (this.isSymbol('(', 1) && token.kind === 'word') return this.parseCall(this.advance());
    const name = this.parseName(EXPRESSION_START);
    return { kind: 'identifier', name, quoted: token.kind === 'quoted', pos: positionOf(token) };
  }

  private parseCall(nameToken: Token): CallExpr {
    this.expectSymbol('(');
    const special = this.parseSpecialCallArgs(nameToken.upper);
    const distinct = special === undefined && this.acceptKeyword('DISTINCT');
    if (special === undefined && !distinct) this.acceptKeyword('ALL');
    const args: Expr[] = special ?? this.parseCallArgs();
    if (!this.isSymbol(')')) throw this.unexpected(['")"', '","', 'an operator']);
    this.advance();
    const filter = this.parseFilterClause();
    const pos = positionOf(nameToken);
    const call: CallExpr = { kind: 'call', name: nameToken.text, args, distinct, pos };
    return filter === undefined ? call : { ...call, filter };
  }

  private parseCallArgs(): Expr[] {
    const args: Expr[] = [];
    if (this.isSymbol('*') && this.isSymbol(')', 1)) {
      args.push({ kind: 'star', pos: positionOf(this.advance()) });
    } else if (!this.isSymbol(')')) {
      do args.push(this.parseExpr(0));
      while (this.acceptSymbol(','));
    }
    return args;
  }

  /**
   * SQL's keyword forms, turned into Pinot's plain function arguments:
   * `EXTRACT(YEAR FROM ts)` → extract('YEAR', ts); `TRIM(LEADING 'x' FROM s)` →
   * trim('LEADING', 'x', s); `SUBSTRING(s FROM 2 FOR 3)` → substring(s, 2, 3).
   * Undefined when the call uses the ordinary comma form.
   */
  private parseSpecialCallArgs(name: string): Expr[] | undefined {
    const token = this.peek();
    const text = (value: string): Expr => ({
      kind: 'literal',
      type: 'STRING',
      value,
      pos: positionOf(token),
    });
    if (name === 'EXTRACT' && token.kind === 'word' && this.isKeyword('FROM', 1)) {
      this.advance();
      this.advance();
      return [text(token.upper), this.parseExpr(0)];
    }
    const trimEnd = token.kind === 'word' && ['BOTH', 'LEADING', 'TRAILING'].includes(token.upper);
    if (name === 'TRIM' && trimEnd) {
      this.advance();
      const characters = this.isKeyword('FROM') ? text(' ') : this.parseExpr(0);
      this.expectKeyword('FROM');
      return [text(token.upper), characters, this.parseExpr(0)];
    }
    if ((name !== 'TRIM' && name !== 'SUBSTRING') || this.isSymbol(')')) return undefined;
    const first = this.parseExpr(0);
    if (!this.acceptKeyword('FROM')) {
      const rest = this.acceptSymbol(',') ? this.parseCallArgs() : [];
      return [first, ...rest];
    }
    if (name === 'TRIM') return [text('BOTH'), first, this.parseExpr(0)];
    const start = this.parseExpr(0);
    return this.acceptKeyword('FOR') ? [first, start, this.parseExpr(0)] : [first, start];
  }

  private parseFilterClause(): Expr | undefined {
    if (!(this.isKeyword('FILTER') && this.isSymbol('(', 1))) return undefined;
    this.advance();
    this.advance();
    this.expectKeyword('WHERE');
    const filter = this.parseExpr(0);
    this.expectSymbol(')');
    return filter;
  }

  private parseCase(): Expr {
    const start = this.advance();
    const operand = this.isKeyword('WHEN') ? undefined : this.parseExpr(0);
    const whens: CaseWhen[] = [];
    while (this.acceptKeyword('WHEN')) {
      const when = this.parseExpr(0);
      this.expectKeyword('THEN');
      whens.push({ when, then: this.parseExpr(0) });
    }
    if (whens.length === 0) throw this.unexpected(['"WHEN"']);
    const elseValue = this.acceptKeyword('ELSE') ? this.parseExpr(0) : undefined;
    if (!this.isKeyword('END')) throw this.unexpected(['"WHEN"', '"ELSE"', '"END"']);
    this.advance();
    return {
      kind: 'case',
      ...(operand === undefined ? {} : { operand }),
      whens,
      ...(elseValue === undefined ? {} : { elseValue }),
      pos: positionOf(start),
    };
  }

  private parseCast(): Expr {
    const start = this.advance();
    this.expectSymbol('(');
    const value = this.parseExpr(0);
    if (this.acceptSymbol(',')) {
      // Pinot's function form: cast(value, 'LONG').
      const args = [value, this.parseExpr(0)];
      this.expectSymbol(')');
      return { kind: 'call', name: start.text, args, distinct: false, pos: positionOf(start) };
    }
    if (!this.isKeyword('AS')) throw this.unexpected(['"AS"', '","', 'an operator']);
    this.advance();
    const typeToken = this.peek();
    if (typeToken.kind !== 'word') throw this.unexpected(['<DATA TYPE>']);
    this.advance();
    let targetType = typeToken.upper;
    if (targetType === 'DOUBLE' && this.acceptKeyword('PRECISION')) targetType = 'DOUBLE';
    this.skipTypeParameters();
    this.expectSymbol(')');
    return { kind: 'cast', value, targetType, pos: positionOf(start) };
  }

  /** `VARCHAR(10)`, `DECIMAL(10, 2)`: Pinot ignores lengths and scales in CAST. */
  private skipTypeParameters(): void {
    if (!this.acceptSymbol('(')) return;
    do {
      if (this.peek().kind !== 'number') throw this.unexpected(['<UNSIGNED INTEGER LITERAL>']);
      this.advance();
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
  }
}

/** Binding power per kind of infix operator (predicates bind like comparisons). */
const PRECEDENCE_OF: Record<InfixKind, number> = {
  OR: PRECEDENCE.OR,
  AND: PRECEDENCE.AND,
  COMPARISON: PRECEDENCE.COMPARISON,
  PREDICATE: PRECEDENCE.COMPARISON,
  ADDITIVE: PRECEDENCE.ADDITIVE,
  MULTIPLICATIVE: PRECEDENCE.MULTIPLICATIVE,
};

/** What may follow a complete query: a later clause, an operator, or the end. */
const END_OF_QUERY = [
  '"WHERE"',
  '"GROUP BY"',
  '"HAVING"',
  '"ORDER BY"',
  '"LIMIT"',
  '"OFFSET"',
  '"OPTION"',
  '";"',
  'an operator',
  '<EOF>',
];

/** What may start an expression, for "Was expecting" lists. */
const EXPRESSION_START = [
  '<IDENTIFIER>',
  '<QUOTED_IDENTIFIER>',
  '<NUMBER>',
  '<STRING>',
  '"("',
  '"-"',
  '"NOT"',
  '"CASE"',
  '"CAST"',
];

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return '"<EOF>"';
    case 'string':
      return `"'${token.text.replaceAll("'", "''")}'"`;
    case 'quoted':
      return `"\\"${token.text}\\""`;
    default:
      return `"${token.text}"`;
  }
}

function tooDeep(token: Token): SqlParseError {
  return new SqlParseError(
    positionOf(token),
    `Expression nesting at ${describePosition(positionOf(token))} is deeper than ` +
      `${MAX_EXPRESSION_DEPTH} levels; simplify the query (use IN (...) instead of long ` +
      `chains of comparisons, fewer nested parentheses or function calls)`,
  );
}

function negateText(text: string): string {
  return text.startsWith('-') ? text.slice(1) : `-${text}`;
}

/** Types a numeric literal as Pinot does: INT, LONG (bigint), else DOUBLE. */
export function numberLiteral(text: string, pos: SourcePosition): LiteralExpr {
  if (/^-?\d+$/.test(text)) {
    const big = BigInt(text);
    if (big >= INT32_MIN && big <= INT32_MAX) {
      return { kind: 'literal', type: 'INT', value: Number(big), text, pos };
    }
    if (big >= INT64_MIN && big <= INT64_MAX) {
      return { kind: 'literal', type: 'LONG', value: big, text, pos };
    }
  }
  return { kind: 'literal', type: 'DOUBLE', value: Number(text), text, pos };
}

function concatCall(left: Expr, right: Expr): CallExpr {
  return { kind: 'call', name: 'concat', args: [left, right], distinct: false, pos: left.pos };
}
