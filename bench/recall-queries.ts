/**
 * Evaluation set for recall@5: one hand-written query per chapter,
 * paraphrasing what happens in it rather than quoting a sentence. Chapter
 * numbers are zero-based positions in `loadCorpusBooks()`.
 */

/** Queries of one book, in chapter order. */
export interface BookQueries {
  bookId: string;
  queries: string[];
}

export const RECALL_QUERIES: BookQueries[] = [
  {
    bookId: "hound",
    queries: [
      "Holmes and Watson study a walking stick a visitor forgot and deduce what kind of country doctor owns it",
      "the doctor reads an old family manuscript about wicked Hugo and a demon dog, then tells how Sir Charles died",
      "marks of an enormous dog were found near the dead man, and Holmes wonders why Sir Charles waited at the gate to the moor",
      "the young heir arrives from Canada, gets an anonymous warning pasted from newspaper words, and a boot vanishes from his hotel",
      "Holmes follows the cab driver and the hotel clues but every lead breaks down, and another boot goes missing",
      "Watson travels to Devon with the heir, soldiers hunt an escaped murderer, and they reach the dark old manor house",
      "Watson meets a butterfly collector on the moor, a pony sinks in the bog, and the man's sister tells Watson to leave",
      "Watson writes to Holmes about stone huts of prehistoric people, the butler and his wife, and Sir Henry courting a neighbour",
      "the butler holds a candle to the window at night to signal the fugitive hiding on the moor, who is his wife's brother",
      "Watson's diary tells of a burnt letter signed with the initials L. L. and a stranger seen standing on a hill",
      "Watson questions Laura Lyons in Coombe Tracey, then waits in a stone hut and discovers his friend has been living there",
      "the runaway prisoner dressed in Sir Henry's old clothes dies fleeing the beast, and the naturalist arrives at the body",
      "a portrait of Hugo in the hall shows the naturalist's face, and Holmes arranges for Sir Henry to walk home alone",
      "in thick fog a huge glowing beast attacks Sir Henry, Holmes shoots it, the wife is found tied up and the villain escapes into the mire",
      "back in London Holmes explains the whole plot, the phosphorus on the dog and the naturalist's claim to the inheritance",
    ],
  },
  {
    bookId: "frankenstein",
    queries: [
      "an explorer writes to his sister from Russia about his plan to sail to the north pole",
      "the captain complains he has no friend to share his ambitions with and hires a master for his ship",
      "a short note that the voyage is going well and the ship is heading north safely",
      "the ship is stuck in ice, the crew sees a giant on a dog sledge, and they rescue a frozen stranger",
      "the narrator's father marries the daughter of his ruined friend Beaufort and the family adopts an orphan girl",
      "as a boy he reads old alchemists like Agrippa and sees lightning shatter an oak tree",
      "his mother dies of fever and he leaves home for the university at Ingolstadt to meet the chemistry professors",
      "he works day and night in his laboratory until he discovers how to give life to dead matter",
      "on a rainy November night the creature opens its dull yellow eye, the maker runs away and his friend nurses him through a fever",
      "a letter from his cousin tells the story of the servant girl Justine while he recovers and studies languages",
      "his little brother is found strangled, and during a thunderstorm near Geneva he glimpses the monster",
      "the servant is tried for the child's murder, confesses falsely and is hanged",
      "guilt and despair make him wander, and the family retreats to the Alps and the valley of Chamonix",
      "on the glacier the creature confronts its maker and demands to be heard",
      "the creature remembers its first feelings, discovers fire and shelters in a shed beside a cottage",
      "it secretly watches the poor family, learns their words and gathers firewood for them at night",
      "a foreign lady arrives on horseback and the creature learns to speak and read by listening to her lessons",
      "the history of the Turkish merchant, his daughter and how the De Lacey family lost their fortune",
      "it reads Paradise Lost and visits the blind old man, but the son beats it and it is driven away",
      "it burns the cottage, is shot after saving a drowning girl, kills the boy and plants the picture on the servant",
      "the creature asks for a female companion and promises they will live in the wilds of South America",
      "he travels to England with his friend Clerval to gather knowledge for the second creature",
      "they pass through Oxford and the lakes, and he goes alone to a remote Scottish island to work",
      "he tears apart the unfinished female, the creature vows to be with him on his wedding night, and he drifts to Ireland",
      "he is accused of murdering his friend, falls ill in prison and is released when his father comes",
      "he returns home through France and sets the date of his marriage to Elizabeth",
      "his bride is killed on the wedding night and his father dies of grief",
      "he chases the creature across the frozen north, and the creature weeps over his maker's body on the ship",
    ],
  },
  {
    bookId: "journey",
    queries: [
      "石猴從仙石中生出，找到水簾洞做了猴王，後來渡海去尋訪神仙學長生",
      "猴王拜祖師學道，得了七十二般變化和筋斗雲，回山打敗搶他洞府的魔王",
      "悟空到東海龍王那裡取得金箍棒，又到地府把猴子的名字從生死簿上勾掉",
      "玉帝封他做養馬的小官，他嫌官小回山，自稱齊天大聖，打敗天兵天將",
      "大聖看守桃園偷吃仙桃，攪亂王母娘娘的宴會，又偷吃太上老君的仙丹",
      "觀音推薦二郎神去捉妖猴，兩人比賽變化，老君丟下圈子把大聖打倒",
      "大聖在老君的煉丹爐裡燒出火眼金睛，最後被如來佛祖壓在大山底下",
      "佛祖要把經書傳到東方，觀音前往長安找取經人，路上收了幾個徒弟",
      "狀元赴任途中被船夫殺害，嬰兒被放在木板上順江漂走，長大後替父報仇",
      "算命先生和涇河龍王打賭下雨，龍王違反天條，被丞相在夢裡斬了",
      "太宗皇帝魂遊陰間後還陽，有人為他把瓜果送到地府",
      "皇帝舉辦超度亡魂的大法會，觀音現身，玄奘答應去西天求取真經",
    ],
  },
];
